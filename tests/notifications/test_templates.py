"""Every event's e-mail renders in the three languages, with a full context and with none."""

import re
from datetime import date

import pytest
from django.utils import translation

from notifications import events
from notifications.services import render_message
from tests import factories

ALL_EVENTS = [value for name, value in vars(events).items() if name.isupper() and isinstance(value, str)]
LANGUAGES = ["en", "zh-hant", "zh-hans"]
FULL_CONTEXT = {
    "reference": "RPL-2026-0042",
    "organisation_name": "Printing & Publishing Institute",
    "industry_name": "Printing and Publishing",
    "scheme_name": "RPL",
    "reviewer_name": "Reviewer One",
    "decision": "Appointed",
    "reply_by": date(2026, 12, 31),
    "due_on": date(2027, 1, 15),
    "term_end": date(2029, 3, 31),
    "summary": "Please add the fee schedule.",
}
HAN = re.compile(r"[\u4e00-\u9fff]")


def test_every_event_has_a_label_and_templates():
    assert len(ALL_EVENTS) == 19
    assert set(ALL_EVENTS) == set(events.LABELS)
    assert events.DIGESTIBLE <= set(ALL_EVENTS)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("event", ALL_EVENTS)
def test_event_renders_in_language(db, event, language):
    user = factories.UserFactory(full_name="Chan Tai Man", preferred_language=language)
    full = render_message(event=event, recipient=user, context=FULL_CONTEXT, link="/en/applications/7/")
    empty = render_message(event=event, recipient=user, context={}, link="")

    with translation.override(language):
        label = str(events.LABELS[event])
        # two reviews of one case are told apart by who wrote them
        full_label = (
            translation.gettext("Review submitted by %(name)s") % {"name": "Reviewer One"}
            if event == events.REVIEW_SUBMITTED
            else label
        )
    assert full["language"] == language
    assert full["subject"] == f"[HKQF] {full_label} – RPL-2026-0042"
    assert empty["subject"] == f"[HKQF] {label}"
    for rendered in (full, empty):
        for part in ("subject", "body_text", "body_html"):
            assert "{{" not in rendered[part] and "{%" not in rendered[part]
            assert "None" not in rendered[part]
        assert "Chan Tai Man" in rendered["body_text"]
        assert "Chan Tai Man" in rendered["body_html"]
    # Text is not HTML-escaped; HTML is.
    assert "Printing & Publishing Institute" in full["body_text"]
    assert "Printing &amp; Publishing Institute" in full["body_html"]
    assert "31.12.2026" in full["body_text"]
    assert "15.1.2027" in full["body_text"]
    assert "31.3.2029" in full["body_text"]
    # The link is given in the recipient's language.
    assert f"http://127.0.0.1:8000/{language}/applications/7/" in full["body_text"]
    assert f"/{language}/messages/preferences/" in full["body_text"]
    if language == "en":
        assert not HAN.search(full["subject"])
        assert "Dear Chan Tai Man," in full["body_text"]
    else:
        assert HAN.search(label), f"{event} label is not translated into {language}"
        assert HAN.search(empty["subject"])
        assert "Chan Tai Man 您好" in full["body_text"]


def test_traditional_and_simplified_differ():
    user_hant = factories.UserFactory.build(full_name="A", preferred_language="zh-hant")
    user_hans = factories.UserFactory.build(full_name="A", preferred_language="zh-hans")
    hant = render_message(event=events.INFORMATION_REQUESTED, recipient=user_hant, context={})
    hans = render_message(event=events.INFORMATION_REQUESTED, recipient=user_hans, context={})
    assert hant["subject"] == "[HKQF] 要求補充資料"
    assert hans["subject"] == "[HKQF] 要求补充资料"
