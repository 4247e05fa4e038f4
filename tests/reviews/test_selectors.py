from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from accounts.roles import REVIEWER
from reviews import services
from reviews.selectors import case_scores
from tests.factories import UserFactory

from .conftest import criteria, due, score_all

# RPL v1 merit criteria and weights: 2 (1), 4 (1), 5 (2), 6 (1), 7 (1); gates 1 and 3. Maximum 4 x 6 = 24.


@pytest.fixture
def two_reviews(accepted, reviewer, second_reviewer):
    score_all(accepted[0], reviewer, merit={"2": 4, "4": 3, "5": 2, "6": 1, "7": 0})
    score_all(accepted[1], second_reviewer, merit={"2": 2, "4": 3, "5": 4, "6": 1, "7": 1}, gates={"3": "not_met"})
    return accepted[0].application


def test_weighted_total_is_the_mean_of_reviewers_weighted_sums(two_reviews):
    scores = case_scores(application=two_reviews)
    # Reviewer one: 4 + 3 + 2x2 + 1 + 0 = 12; reviewer two: 2 + 3 + 2x4 + 1 + 1 = 15; mean 13.5.
    assert scores.weighted_total == Decimal("13.50")
    assert scores.maximum == Decimal("24.00")
    assert [(r.criterion.code, r.mean) for r in scores.rows if not r.criterion.is_gate] == [
        ("2", Decimal(3)),
        ("4", Decimal(3)),
        ("5", Decimal(3)),
        ("6", Decimal(1)),
        ("7", Decimal("0.5")),
    ]


def test_table_has_a_cell_per_criterion_and_reviewer(two_reviews, reviewer, second_reviewer):
    scores = case_scores(application=two_reviews)
    assert [r.reviewer for r in scores.reviewers] == [reviewer, second_reviewer]
    table = [
        (row.criterion.code, [c.verdict if row.criterion.is_gate else c.score for c in row.cells])
        for row in scores.rows
    ]
    assert table == [
        ("1", ["met", "met"]),
        ("2", [4, 2]),
        ("3", ["met", "not_met"]),
        ("4", [3, 3]),
        ("5", [2, 4]),
        ("6", [1, 1]),
        ("7", [0, 1]),
    ]


def test_flags_spread_of_two_and_split_gates(two_reviews):
    scores = case_scores(application=two_reviews)
    assert [r.criterion.code for r in scores.flagged_rows] == ["2", "3", "5"]
    assert [c.code for c in scores.unmoderated_flags] == ["2", "3", "5"]
    assert {r.criterion.code: r.spread for r in scores.rows if not r.criterion.is_gate} == {
        "2": 2,
        "4": 0,
        "5": 2,
        "6": 0,
        "7": 1,
    }
    assert scores.failed_gates == []  # a split gate is undecided until moderated


def test_moderation_sets_the_moderated_total_and_failed_gates(two_reviews, case_officer):
    c = criteria(two_reviews)
    services.moderation_save(
        application=two_reviews, criterion_id=c["2"].pk, actor=case_officer, rationale="a", score=4
    )
    services.moderation_save(
        application=two_reviews, criterion_id=c["5"].pk, actor=case_officer, rationale="b", score=3
    )
    services.moderation_save(
        application=two_reviews, criterion_id=c["3"].pk, actor=case_officer, rationale="c", verdict="not_met"
    )
    scores = case_scores(application=two_reviews)
    assert scores.unmoderated_flags == []
    # 4 + 3 + 2x3 + 1 + 0.5 = 14.5; the unmoderated total stays 13.5.
    assert (scores.weighted_total, scores.moderated_total) == (Decimal("13.50"), Decimal("14.50"))
    assert [g.code for g in scores.failed_gates] == ["3"]


def test_unanimous_not_met_is_a_failed_gate(accepted, reviewer, second_reviewer):
    score_all(accepted[0], reviewer, gates={"1": "not_met"})
    score_all(accepted[1], second_reviewer, gates={"1": "not_met"})
    scores = case_scores(application=accepted[0].application)
    assert [g.code for g in scores.failed_gates] == ["1"]
    assert scores.flagged_rows == []


def test_three_reviewers_round_half_up_to_cents(accepted, reviewer, second_reviewer, case_officer):
    third = UserFactory(full_name="Reviewer Three")
    third.groups.add(Group.objects.get_or_create(name=REVIEWER)[0])
    app = accepted[0].application
    extra = services.assignment_invite(application=app, reviewer=third, due_on=due(), actor=case_officer)
    extra = services.assignment_respond(assignment=extra, actor=third, accept=True, has_conflict=False)
    score_all(accepted[0], reviewer)  # all merit 3
    score_all(accepted[1], second_reviewer)
    score_all(extra, third, merit={"2": 4, "4": 4, "5": 4, "6": 4, "7": 4})
    scores = case_scores(application=app)
    # Each merit mean is 10/3; 6 x 10/3 = 20.
    assert scores.weighted_total == Decimal("20.00")
    assert scores.flagged_rows == []


def test_scores_of_an_unsubmitted_review_do_not_count(accepted, reviewer):
    c = criteria(accepted[0].application)
    services.scores_save(assignment=accepted[0], actor=reviewer, entries={c["2"].pk: {"score": 4, "reason": "x"}})
    scores = case_scores(application=accepted[0].application)
    assert (scores.reviewers, scores.weighted_total) == ([], None)


def test_case_scores_query_count_is_fixed(two_reviews, django_assert_num_queries):
    with django_assert_num_queries(4):
        case_scores(application=two_reviews)
