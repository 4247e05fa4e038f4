from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .enums import ClosureKind, DayKind, Stage


class CalendarDay(models.Model):
    """One day of the working calendar. Weekends and Hong Kong general holidays come from the
    `holidays` package; closure days (ClosureDay) are folded in by `calendar_rebuild`.

    `working_index` counts the working days from the calendar's first day up to and including this
    one, so the working days in (a, b] are `index(b) - index(a)`: two lookups, whatever the span.
    """

    day = models.DateField(primary_key=True)
    kind = models.CharField(max_length=10, choices=DayKind.choices)
    holiday_name = models.CharField(max_length=120, blank=True)
    is_closure = models.BooleanField(default=False)
    is_working = models.BooleanField()
    working_index = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]

    def __str__(self) -> str:
        return self.day.isoformat()


class ClosureDay(models.Model):
    """A day the bureau closed (typhoon signal No. 8, black rainstorm): not a working day."""

    day = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ClosureKind.choices, default=ClosureKind.TYPHOON)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("closure day")
        verbose_name_plural = _("closure days")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.get_kind_display()}"


class ServiceTarget(models.Model):
    """The bureau's target for one stage, in working days, and how close counts as "near"."""

    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, unique=True)
    working_days = models.PositiveSmallIntegerField(
        _("target in working days"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    near_days = models.PositiveSmallIntegerField(
        _("near the target within (working days)"),
        default=2,
        validators=[MaxValueValidator(365)],
        help_text=_("A case counts as near its target this many working days before it."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("service target")
        verbose_name_plural = _("service targets")
        ordering = ["stage"]
        constraints = [
            models.CheckConstraint(condition=Q(working_days__gte=1), name="target_at_least_one_day"),
            models.CheckConstraint(condition=Q(near_days__lte=F("working_days")), name="target_near_within_target"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.working_days}"
