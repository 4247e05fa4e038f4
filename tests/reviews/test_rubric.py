"""The scoring guide beside each score and the appointment threshold in the computed table."""

from decimal import Decimal

from django.urls import reverse
from django.utils import translation

from agencies.seeding import load_reference
from reviews import selectors

from .conftest import criteria, score_all


def test_reference_data_gives_every_merit_criterion_a_guide_in_three_languages(reference):
    from agencies.models import Criterion

    merit = Criterion.objects.filter(kind="merit")
    assert merit.exists()
    for criterion in merit:
        for lang in ("en", "zh_hant", "zh_hans"):
            assert all(getattr(criterion, f"descriptor_{mark}_{lang}") for mark in range(5)), (criterion, lang)
    with translation.override("zh-hant"):
        assert merit.first().scoring_guide[0] == (0, "未有就此準則提供證據。")


def test_loading_the_reference_again_keeps_a_guide_someone_entered(reference):
    from agencies.models import Criterion

    criterion = Criterion.objects.filter(kind="merit").first()
    criterion.descriptor_4_en = "Exemplary."
    criterion.save()
    load_reference()
    criterion.refresh_from_db()
    assert criterion.descriptor_4_en == "Exemplary."


def test_the_reviewer_sees_what_each_mark_means_beside_the_score(client, accepted, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("reviews:assignment", args=[accepted[0].pk])).content.decode()
    assert "Scoring guide" in page
    assert "Partly met: some convincing evidence, with gaps that matter." in page
    with translation.override("zh-hant"):
        url = reverse("reviews:assignment", args=[accepted[0].pk])
    page = client.get(url).content.decode()
    assert "部分符合：有若干具說服力的證據，但有重要缺漏。" in page


def test_the_computed_table_shows_the_threshold_and_whether_the_case_meets_it(
    client, accepted, reviewer, second_reviewer, review_case, case_officer
):
    score_all(accepted[0], reviewer, merit={"5": 1, "2": 1})
    score_all(accepted[1], second_reviewer, merit={"5": 1, "2": 1})
    scores = selectors.case_scores(application=review_case)
    assert scores.threshold == Decimal("14.00")
    # weights 1,1,2,1,1 -> 1 + 3 + 2 + 3 + 3 = 12 < 14
    assert scores.moderated_total == Decimal("12.00")
    assert scores.meets_threshold is False
    client.force_login(case_officer)
    page = client.get(reverse("reviews:case", args=[review_case.pk])).content.decode()
    assert "a weighted total of at least 14.00 / 24.00 and every gate met" in page
    assert "not met by this case" in page


def test_a_failed_gate_misses_the_threshold_whatever_the_total(accepted, reviewer, second_reviewer, review_case):
    score_all(accepted[0], reviewer, merit=dict.fromkeys("24567", 4), gates={"3": "not_met"})
    score_all(accepted[1], second_reviewer, merit=dict.fromkeys("24567", 4), gates={"3": "not_met"})
    scores = selectors.case_scores(application=review_case)
    assert scores.moderated_total == Decimal("24.00")
    assert scores.meets_threshold is False
    assert [c.code for c in scores.failed_gates] == ["3"]
    assert criteria(review_case)["3"].scoring_guide == []
