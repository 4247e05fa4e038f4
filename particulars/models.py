"""An agency's request to change its public particulars, which only a register administrator applies."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeState(models.TextChoices):
    PENDING = "pending", _("Waiting for the register administrators")
    APPROVED = "approved", _("Approved and published")
    REJECTED = "rejected", _("Not approved")


class ParticularsChange(models.Model):
    """The published names an agency asks for; the register shows the organisation's names until approved."""

    organisation = models.ForeignKey(
        "agencies.Organisation", on_delete=models.CASCADE, related_name="particulars_changes"
    )
    name_en = models.CharField(_("name in English"), max_length=300)
    name_zh_hant = models.CharField(_("name in Traditional Chinese"), max_length=300, blank=True)
    name_zh_hans = models.CharField(_("name in Simplified Chinese"), max_length=300, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=ChangeState.choices, default=ChangeState.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("change of public particulars")
        verbose_name_plural = _("changes of public particulars")
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(state="pending"),
                name="particulars_one_pending_change_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.name_en} ({self.state})"

    NAME_FIELDS = ("name_en", "name_zh_hant", "name_zh_hans")
