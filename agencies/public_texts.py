"""The public texts of an appointment in the register's three languages.

What the register shows of an appointment in words: the agency's name, each collaborating body's
name, and the conditions or restrictions. Each must exist in English, Traditional Chinese and
Simplified Chinese before the appointment is published, or the Chinese register would show English.
Simplified Chinese may be proposed from Traditional Chinese with OpenCC; a person confirms it.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import audit_record
from qfapp.exceptions import RuleViolation

from .models import Appointment

LANGUAGES = ("en", "zh_hant", "zh_hans")
LANGUAGE_LABELS = {
    "en": gettext_lazy("English"),
    "zh_hant": gettext_lazy("Traditional Chinese"),
    "zh_hans": gettext_lazy("Simplified Chinese"),
}


@dataclass
class PublicText:
    key: str  # the form's name for it: agency, collaborator-<pk>, conditions
    label: str
    obj: object
    field: str  # the translated field's base name
    values: dict = field(default_factory=dict)
    multiline: bool = False

    @property
    def missing(self) -> list[str]:
        """Languages without text; none when the text is empty in every language (no conditions)."""
        if not any(self.values.values()):
            return [] if self.key == "conditions" else list(LANGUAGES)
        return [lang for lang in LANGUAGES if not self.values.get(lang)]

    @property
    def missing_labels(self) -> list[str]:
        return [str(LANGUAGE_LABELS[lang]) for lang in self.missing]


def _values(obj, name: str) -> dict[str, str]:
    return {lang: (getattr(obj, f"{name}_{lang}", "") or "").strip() for lang in LANGUAGES}


def public_texts(*, appointment: Appointment) -> list[PublicText]:
    """Every text the register shows of this appointment, with its three languages."""
    texts = [
        PublicText("agency", _("Name of the agency"), appointment.agency, "name", _values(appointment.agency, "name"))
    ]
    for body in appointment.collaborators.order_by("name", "id"):
        texts.append(
            PublicText(
                f"collaborator-{body.pk}",
                _("Name of the collaborating body “%(name)s”") % {"name": body.name},
                body,
                "name",
                _values(body, "name"),
            )
        )
    texts.append(
        PublicText(
            "conditions",
            _("Conditions or restrictions"),
            appointment,
            "conditions",
            _values(appointment, "conditions"),
            multiline=True,
        )
    )
    return texts


def missing_languages(*, appointment: Appointment) -> list[str]:
    """One message per public text that lacks a language; empty when the appointment may be published."""
    return [
        _("%(text)s has no %(languages)s text.") % {"text": text.label, "languages": ", ".join(text.missing_labels)}
        for text in public_texts(appointment=appointment)
        if text.missing
    ]


def simplified_from_traditional(text: str) -> str:
    """A proposal of Simplified Chinese for a Hong Kong Traditional Chinese text (OpenCC, hk2s)."""
    if not text:
        return ""
    import opencc

    return opencc.OpenCC("hk2s.json").convert(text)


def appointment_texts_save(*, appointment: Appointment, actor, values: dict[str, dict[str, str]]) -> list[str]:
    """Save the three languages of the appointment's public texts (`values`: key -> language -> text).

    Returns the keys changed. Raises RuleViolation when the actor may not manage the register or a
    name would be emptied."""
    if not actor.has_perm("agencies.publish_appointment"):
        raise RuleViolation(_("You may not change the register."))
    changed = []
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        for text in public_texts(appointment=appointment):
            new = {lang: (values.get(text.key, {}).get(lang, text.values[lang]) or "").strip() for lang in LANGUAGES}
            if new == text.values:
                continue
            if text.field == "name" and not new["en"]:
                raise RuleViolation(_("A name needs its English text."))
            obj = type(text.obj).objects.select_for_update().get(pk=text.obj.pk)
            for lang, value in new.items():
                setattr(obj, f"{text.field}_{lang}", value)
            obj.save(update_fields=[f"{text.field}_{lang}" for lang in LANGUAGES])
            changed.append(text.key)
        if changed:
            audit_record(
                action="agencies.appointment.texts_updated",
                obj=appointment,
                actor=actor,
                data={"texts": changed},
            )
            from .services import register_changed

            register_changed()
    return changed
