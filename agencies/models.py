from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .enums import CriterionKind, EntityType, EvidenceRequirement, MemberRole, RegisterEventKind, SchemeCode, TermKind

phone_validator = RegexValidator(
    r"^\(852\) \d{4}-\d{4}$|^\+?[0-9 ()-]{6,30}$", _("Enter a telephone number such as (852) 2508-8865.")
)
qr_number_validator = RegexValidator(
    r"^\d{2}/\d{6}/L[1-7]$", _("A Qualifications Register number looks like 20/000543/L6.")
)


class Industry(models.Model):
    """An industry (with an ITAC) or a branch of one; appointments are made per industry or branch."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self", verbose_name=_("branch of"), null=True, blank=True, on_delete=models.PROTECT, related_name="branches"
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.parent.name} – {self.name}" if self.parent_id else self.name


class Scheme(models.Model):
    code = models.CharField(_("code"), max_length=10, choices=SchemeCode.choices, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CriteriaSetInUse(ValidationError):
    """A change to a criteria set (or one of its criteria) that applications are bound to."""

    def __init__(self, criteria_set):
        super().__init__(
            _("%(set)s is used by applications and cannot be changed: make a new version instead.")
            % {"set": criteria_set},
            code="criteria_set_in_use",
        )


class CriteriaSet(models.Model):
    """A version of a scheme's appointment criteria. Applications keep the version they started under."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="criteria_sets")
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    effective_from = models.DateField(_("effective from"))
    is_active = models.BooleanField(_("in use for new applications"), default=True)

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["scheme__code", "-version"]
        constraints = [models.UniqueConstraint(fields=["scheme", "version"], name="criteriaset_scheme_version_unique")]

    def __str__(self) -> str:
        return f"{self.scheme.code.upper()} v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None and self.in_use:
            stored = type(self).objects.get(pk=self.pk)
            changed = [
                f.attname
                for f in self._meta.concrete_fields
                if f.attname not in self.MUTABLE_WHEN_USED and getattr(stored, f.attname) != getattr(self, f.attname)
            ]
            if changed:
                raise CriteriaSetInUse(self)
        super().save(*args, **kwargs)

    # Whether new applications start under it is the only thing that may change once it is used.
    MUTABLE_WHEN_USED = frozenset({"is_active"})

    @property
    def in_use(self) -> bool:
        """Used by any application: then immutable, and a change means a new version."""
        return self.pk is not None and self.applications.exists()


class Criterion(models.Model):
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.CharField(_("code"), max_length=20)
    order = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    guidance = models.TextField(_("guidance"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=CriterionKind.choices, default=CriterionKind.MERIT)
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    requires = models.CharField(
        _("evidence required"),
        max_length=10,
        choices=EvidenceRequirement.choices,
        default=EvidenceRequirement.NARRATIVE,
        help_text=_("What an application must give against this criterion to be complete."),
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["criteria_set", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "code"], name="criterion_set_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    def save(self, *args, **kwargs):
        criteria_set = CriteriaSet.objects.get(pk=self.criteria_set_id)
        if criteria_set.in_use:
            if self.pk is None:
                raise CriteriaSetInUse(criteria_set)
            stored = type(self).objects.get(pk=self.pk)
            if any(getattr(stored, f.attname) != getattr(self, f.attname) for f in self._meta.concrete_fields):
                raise CriteriaSetInUse(criteria_set)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.criteria_set.in_use:
            raise CriteriaSetInUse(self.criteria_set)
        return super().delete(*args, **kwargs)

    @property
    def is_gate(self) -> bool:
        return self.kind == CriterionKind.GATE


class Organisation(models.Model):
    """An organisation: an applicant, an appointed agency, or a collaborating body."""

    name = models.CharField(_("legal name"), max_length=300)
    entity_type = models.CharField(
        _("entity type"), max_length=20, choices=EntityType.choices, default=EntityType.OTHER
    )
    registration_number = models.CharField(
        _("registration number"),
        max_length=60,
        blank=True,
        help_text=_("Business or company registration number, or the ordinance that establishes a statutory body."),
    )
    registration_key = models.CharField(max_length=60, blank=True, editable=False)
    is_charity = models.BooleanField(_("charity (IRO s.88)"), default=False)
    charity_file_number = models.CharField(_("IRO s.88 file number"), max_length=40, blank=True)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True, validators=[phone_validator])
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            # The same registration number never makes a second organisation.
            models.UniqueConstraint(
                fields=["registration_key"], condition=~Q(registration_key=""), name="organisation_registration_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.registration_key = normalise_registration_number(self.registration_number)
        super().save(*args, **kwargs)


def normalise_registration_number(value: str) -> str:
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


class OrganisationOfficer(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="officers")
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("officer or director")
        verbose_name_plural = _("officers and directors")
        ordering = ["organisation", "name"]

    def __str__(self) -> str:
        return self.name


class OrganisationMembership(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


class Appointment(models.Model):
    """An agency's appointment for a scheme and (for RPL) an industry or branch, with its terms."""

    agency = models.ForeignKey(
        Organisation, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="appointments"
    )
    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="appointments")
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    collaborators = models.ManyToManyField(
        Organisation, verbose_name=_("collaborating bodies"), blank=True, related_name="collaborations"
    )
    enquiry_phone = models.CharField(_("enquiry telephone"), max_length=40, blank=True, validators=[phone_validator])
    conditions = models.TextField(_("conditions or restrictions"), blank=True)
    is_published = models.BooleanField(_("published on the register"), default=False, db_index=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    cancelled_on = models.DateField(_("cancelled with effect from"), null=True, blank=True)
    cancellation_grounds = models.TextField(_("grounds of cancellation"), blank=True)
    # Denormalised from the terms by the service so the register sorts and filters in SQL.
    first_start = models.DateField(_("first appointed"), null=True, blank=True, editable=False)
    current_end = models.DateField(_("current term ends"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["scheme__code", "industry__sort_order", "agency__name"]
        permissions = [("manage_register", "Can publish, vary and cancel appointments")]

    def __str__(self) -> str:
        where = self.industry.name if self.industry_id else self.scheme.name
        return f"{self.agency} – {where}"

    @property
    def last_term(self) -> "AppointmentTerm | None":
        """The latest term (the one a re-appointment follows)."""
        return self.terms.order_by("-start").first()


class AppointmentTerm(models.Model):
    """One term of an appointment: the first appointment or a re-appointment."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="terms")
    kind = models.CharField(_("kind"), max_length=20, choices=TermKind.choices, default=TermKind.FIRST)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    # Copied from the appointment so that PostgreSQL can refuse overlapping terms itself.
    agency = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)
    industry = models.ForeignKey(Industry, null=True, on_delete=models.PROTECT, related_name="+", editable=False)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["appointment", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="term_end_not_before_start"),
        ]

    def __str__(self) -> str:
        return f"{self.start:%d.%m.%Y} – {self.end:%d.%m.%Y}"

    def save(self, *args, **kwargs):
        self.agency_id = self.appointment.agency_id
        self.industry_id = self.appointment.industry_id
        super().save(*args, **kwargs)


class RecognisedQualification(models.Model):
    """A qualification a PQ agency grants, as entered on the Qualifications Register."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="qualifications")
    title = models.CharField(_("title"), max_length=300)
    qr_number = models.CharField(
        _("QR registration number"), max_length=20, blank=True, validators=[qr_number_validator]
    )
    qf_level = models.PositiveSmallIntegerField(_("QF level"), validators=[MinValueValidator(1), MaxValueValidator(7)])
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("recognised qualification")
        verbose_name_plural = _("recognised qualifications")
        ordering = ["appointment", "qf_level", "title"]
        constraints = [models.CheckConstraint(condition=Q(qf_level__gte=1, qf_level__lte=7), name="qf_level_1_to_7")]

    def __str__(self) -> str:
        return self.title


class RegisterEvent(models.Model):
    """A public change to the register, for the Atom feed."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=RegisterEventKind.choices)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("register event")
        verbose_name_plural = _("register events")
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.appointment}"
