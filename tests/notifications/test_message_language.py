"""Every message kind, for a recipient of each language, is in that language only.

The context is built as the services build it: the application or appointment itself (whose names
are read in the recipient's language), lazy summaries, dates. Then the text is searched for words
of another language: no Chinese in English messages; in Chinese messages no English words beyond
the allowed tokens (reference numbers, addresses, RPL/PQ/HKQF) and none of the other script's forms.
"""

import re
from datetime import date

import pytest
from django.utils.translation import gettext_noop

from agencies.models import Appointment, Scheme
from applications.services import application_submit
from notifications import events
from notifications.models import Message
from notifications.services import render_message
from notifications.text import name_of, sentence
from tests import factories

pytestmark = pytest.mark.django_db
ALL_EVENTS = [value for name, value in vars(events).items() if name.isupper() and isinstance(value, str)]
HAN = re.compile(r"[\u3400-\u9fff]")
ALLOWED = re.compile(
    r"https?://\S+|[\w.+-]+@[\w.-]+|\b[A-Z]{2,4}-\d{4}-\d{4}\b|\[HKQF\]|\bHKQF\b|\bHKCAAVQ\b|\bRPL\b|\bPQ\b|\bQF\b"
)
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
# The same word in each script: Traditional forms must not appear in Simplified text and the reverse.
PAIRS = "請请 資资 歷历 評评 審审 這这 們们 時时 間间 認认 證证 書书 業业 構构 務务 員员 為为 發发 會会 關关 級级 機机 協协 經经 過过 實实 應应 門门 項项 對对 聯联 處处 規规 則则 報报 準准 郵邮 電电 訊讯 該该 選选 閱阅 設设 說说 開开 個个 單单 獲获 態态 結结 續续 確确 將将 議议 負负 責责 覽览 絡络 詳详 請请 體体 區区 號号 頁页 覽览"
TRADITIONAL = {pair[0] for pair in PAIRS.split()}
SIMPLIFIED = {pair[1] for pair in PAIRS.split()}


def foreign_text(text: str, language: str, people: list[str]) -> list[str]:
    """What in `text` is not in `language` (people's names, as data, are left out)."""
    for name in people:
        text = text.replace(name, " ")
    if language == "en":
        return HAN.findall(text)
    stripped = ALLOWED.sub(" ", text)
    other = SIMPLIFIED if language == "zh-hant" else TRADITIONAL
    return ENGLISH_WORD.findall(stripped) + [c for c in stripped if c in other]


@pytest.fixture
def case(reference):
    organisation = factories.OrganisationFactory(
        name="Harbour Printing Institute",
        name_en="Harbour Printing Institute",
        name_zh_hant="海港印刷學院",
        name_zh_hans="海港印刷学院",
    )
    industry = factories.IndustryFactory(
        name="Printing", name_en="Printing", name_zh_hant="印刷業", name_zh_hans="印刷业"
    )
    application = factories.ApplicationFactory(
        organisation=organisation, industry=industry, state="submitted", reference="RPL-2026-0042"
    )
    appointment = Appointment.objects.create(
        agency=organisation, scheme=Scheme.objects.get(code="rpl"), industry=industry, is_published=True
    )
    return application, appointment


def _context(event: str, application, appointment) -> dict:
    """The context the services give each kind of event."""
    context = {"reference": application.reference, "application": application}
    if event.startswith("appointment."):
        context = {"appointment": appointment, "term_end": date(2029, 3, 31), "lead_months": 6}
    if event == events.APPOINTMENT_TO_PUBLISH:
        context |= {"application": application, "reference": application.reference}
    if event == events.SUBMISSION_RECEIVED:
        context["summary"] = sentence(
            gettext_noop("%(organisation)s submitted its application %(reference)s."),
            organisation=name_of(application.organisation),
            reference=application.reference,
        )
    if event == events.DECISION_MADE:
        context["summary"] = sentence(
            gettext_noop("Appointed for the term %(start)s – %(end)s."), start="1.4.2026", end="31.3.2031"
        )
    if event == events.ORGANISATION_INVITATION:
        context = {
            "summary": sentence(
                gettext_noop("%(name)s invites you to join %(organisation)s as %(role)s."),
                name="陳大文",
                organisation=name_of(application.organisation),
                role="",
            )
        }
    if event == events.RESUBMITTED:
        context["for_applicant"] = True
    if event == events.REVIEW_SUBMITTED:
        context["reviewer_name"] = "陳大文"
    if event == events.INFORMATION_REQUESTED:
        context["reply_by"] = date(2026, 12, 31)
    if event in (events.REVIEWER_INVITED, events.REVIEWER_REMINDER, events.REVIEW_OVERDUE):
        context["due_on"] = date(2027, 1, 15)
    return context


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
@pytest.mark.parametrize("event", ALL_EVENTS)
def test_every_message_kind_is_in_the_recipients_language_only(case, event, language):
    application, appointment = case
    recipient = factories.UserFactory(full_name="陳大文", preferred_language=language)
    rendered = render_message(
        event=event,
        recipient=recipient,
        context=_context(event, application, appointment),
        link=f"/en/applications/{application.pk}/status/",
    )
    for part in ("subject", "body_text"):
        found = foreign_text(rendered[part], language, people=["陳大文"])
        assert found == [], f"{event} {part} in {language} has {found}:\n{rendered[part]}"
    html_text = re.sub(r"<[^>]+>", " ", rendered["body_html"])
    assert foreign_text(html_text, language, people=["陳大文"]) == []


def test_the_names_in_a_message_are_the_recipients_language_not_the_actors(case):
    application, _appointment = case
    hant = factories.UserFactory(full_name="陳大文", preferred_language="zh-hant")
    rendered = render_message(event=events.APPOINTMENT_PUBLISHED, recipient=hant, context={"appointment": _appointment})
    assert "海港印刷學院" in rendered["body_text"]
    assert "印刷業" in rendered["body_text"]
    assert "Recognition of Prior Learning" not in rendered["body_text"]


def test_an_english_actors_submission_reaches_a_chinese_colleague_in_chinese(
    reference, django_capture_on_commit_callbacks
):
    organisation = factories.OrganisationFactory(
        name="Harbour Printing Institute", name_en="Harbour Printing Institute", name_zh_hant="海港印刷學院"
    )
    actor = factories.UserFactory(full_name="Chris Wong", preferred_language="en")
    colleague = factories.UserFactory(full_name="陳大文", preferred_language="zh-hant")
    for user in (actor, colleague):
        factories.MembershipFactory(organisation=organisation, user=user)
    application = factories.ApplicationFactory(organisation=organisation, evidence=True, created_by=actor)
    application_submit(application=application, actor=actor, declaration_accepted=True)
    theirs = Message.objects.get(recipient=colleague, event=events.SUBMISSION_RECEIVED)
    assert "海港印刷學院" in theirs.body_text
    assert "submitted its application" not in theirs.body_text
    assert foreign_text(theirs.body_text, "zh-hant", people=["陳大文"]) == []
    mine = Message.objects.get(recipient=actor, event=events.SUBMISSION_RECEIVED)
    assert "Harbour Printing Institute submitted its application" in mine.body_text
