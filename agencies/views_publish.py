"""The register administrator's publishing work: what is waiting to be published, the public texts
in three languages, a preview of the public entry, and a confirmation before publishing or taking off."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qfapp.exceptions import RuleViolation

from . import public_texts, selectors
from .enums import RegisterStatus
from .models import Appointment


def _require_manager(request) -> None:
    if not request.user.has_perm("agencies.publish_appointment"):
        raise Http404


def to_publish() -> list[Appointment]:
    """Appointments not on the register and not cancelled: the register administrator's work, oldest first."""
    return list(
        selectors.appointments_with_status(as_of=timezone.localdate())
        .filter(is_published=False, cancelled_on__isnull=True)
        .order_by("created_at", "pk")
    )


def dashboard_section(request):
    """The register administrator's "to publish" list on My work, or None for everyone else."""
    if not request.user.has_perm("agencies.publish_appointment"):
        return None
    return "agencies/dashboard_section.html", {"to_publish": to_publish()}


class PublicTextsForm(forms.Form):
    """One field per public text and language, named <key>__<language>."""

    def __init__(self, *args, texts, **kwargs):
        super().__init__(*args, **kwargs)
        self.texts = texts
        for text in texts:
            for lang in public_texts.LANGUAGES:
                widget = forms.Textarea(attrs={"rows": 2}) if text.multiline else forms.TextInput()
                self.fields[f"{text.key}__{lang}"] = forms.CharField(
                    label=public_texts.LANGUAGE_LABELS[lang],
                    required=False,
                    max_length=5000 if text.multiline else 300,
                    initial=text.values[lang],
                    widget=widget,
                )

    def rows(self):
        for text in self.texts:
            yield text, [self[f"{text.key}__{lang}"] for lang in public_texts.LANGUAGES]

    def values(self) -> dict[str, dict[str, str]]:
        """The texts posted (a text whose fields were not in the form at all is left as it is)."""
        data = self.cleaned_data
        return {
            t.key: {
                lang: data[f"{t.key}__{lang}"] for lang in public_texts.LANGUAGES if f"{t.key}__{lang}" in self.data
            }
            for t in self.texts
        }


def _labelled(appointment: Appointment) -> Appointment:
    appointment.status_label = dict(RegisterStatus.choices)[appointment.status]
    return appointment


def publishing_context(request, appointment: Appointment, texts_form: PublicTextsForm | None = None) -> dict:
    """What the appointment page shows for publishing: the texts, what is missing, the preview, the links."""
    texts = public_texts.public_texts(appointment=appointment)
    application = appointment.applications.order_by("-decided_at", "-pk").first()
    return {
        "texts_form": texts_form or PublicTextsForm(texts=texts),
        "missing_texts": public_texts.missing_languages(appointment=appointment),
        "preview_languages": [
            ("en", _("English")),
            ("zh-hant", _("Traditional Chinese")),
            ("zh-hans", _("Simplified Chinese")),
        ],
        "case_application": application,
    }


def _appointment(pk: int) -> Appointment:
    return _labelled(get_object_or_404(selectors.appointments_with_status(as_of=timezone.localdate()), pk=pk))


@require_POST
def manage_texts(request, pk: int):
    """Save the public texts, or (with "propose") fill the empty Simplified Chinese from the Traditional
    Chinese with OpenCC and show it for a person to check and save."""
    _require_manager(request)
    appointment = _appointment(pk)
    texts = public_texts.public_texts(appointment=appointment)
    form = PublicTextsForm(request.POST, texts=texts)
    if not form.is_valid():
        messages.error(request, _("The texts were not saved: correct the form below."))
        return _detail(request, appointment, form, status=400)
    if "propose" in request.POST:
        data = request.POST.copy()
        proposed = 0
        for text in texts:
            hant = form.cleaned_data[f"{text.key}__zh_hant"]
            if hant and not form.cleaned_data[f"{text.key}__zh_hans"]:
                data[f"{text.key}__zh_hans"] = public_texts.simplified_from_traditional(hant)
                proposed += 1
        messages.info(
            request,
            _("Simplified Chinese proposed from the Traditional Chinese for %(count)d texts: check them, then save.")
            % {"count": proposed},
        )
        return _detail(request, appointment, PublicTextsForm(data, texts=texts))
    try:
        changed = public_texts.appointment_texts_save(appointment=appointment, actor=request.user, values=form.values())
    except RuleViolation as exc:
        for text in exc.messages:
            messages.error(request, text)
        return _detail(request, appointment, form, status=400)
    messages.success(request, _("The public texts are saved.") if changed else _("Nothing was changed."))
    return redirect("agencies:manage_detail", pk=pk)


def _detail(request, appointment, texts_form, status: int = 200):
    from .views import _manage_detail_page, manage_detail_forms

    return _manage_detail_page(
        request, appointment, texts_form=texts_form, status=status, **manage_detail_forms(appointment)
    )


@require_GET
def manage_confirm(request, pk: int, step: str):
    """Confirm before publishing or taking off: the public entry as it will read (or read) in three languages."""
    _require_manager(request)
    appointment = _appointment(pk)
    if step == "publish" and appointment.is_published or step == "unpublish" and not appointment.is_published:
        return redirect("agencies:manage_detail", pk=pk)
    context = {"appointment": appointment, "step": step, **publishing_context(request, appointment)}
    return render(request, "agencies/appointment_confirm.html", context)
