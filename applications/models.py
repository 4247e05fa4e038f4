import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from agencies.enums import MemberRole
from agencies.models import Appointment, CriteriaSet, Criterion, Industry, Organisation, Scheme

from .conditions import registered
from .enums import WITHDRAWABLE, ApplicationKind, ApplicationState, ScanStatus

S = ApplicationState


class Application(ConcurrentTransitionMixin, models.Model):
    """An organisation's request to be appointed (or re-appointed) as an assessment agency.

    Transitions only say which move is legal and set the fields the move implies; the services
    in `applications.services` check permissions, save, audit and notify.
    """

    reference = models.CharField(_("reference"), max_length=20, unique=True, null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="applications"
    )
    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="applications")
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.PROTECT, related_name="applications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ApplicationKind.choices, default=ApplicationKind.NEW)
    previous_appointment = models.ForeignKey(
        Appointment,
        verbose_name=_("appointment to renew"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewal_applications",
    )
    proposed_collaborators = models.ManyToManyField(
        Organisation, verbose_name=_("proposed collaborating bodies"), blank=True, related_name="+"
    )
    fee_policy = models.TextField(_("fee policy and assessment fee schedule"), blank=True)
    state = FSMField(_("state"), default=S.DRAFT, choices=S.choices, protected=True, db_index=True)
    declaration_accepted_at = models.DateTimeField(_("declaration accepted"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    appointment = models.ForeignKey(
        Appointment,
        verbose_name=_("resulting appointment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "submitted_at"]),
            # The case queue's order: its first page is read from the index whatever the number of cases.
            models.Index(fields=["submitted_at", "id"], name="application_submitted_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="draft") | Q(reference__isnull=False), name="application_reference_after_draft"
            )
        ]

    def __str__(self) -> str:
        return self.reference or f"{_('Draft')} #{self.pk}"

    # -- transitions: the applicant -------------------------------------------------------
    @transition(field=state, source=S.DRAFT, target=S.SUBMITTED, permission="applications.submit_application")
    def submit(self):
        self.submitted_at = timezone.now()

    @transition(field=state, source=S.RETURNED, target=S.SUBMITTED, permission="applications.submit_application")
    def resubmit(self):
        self.submitted_at = timezone.now()

    @transition(field=state, source=WITHDRAWABLE, target=S.WITHDRAWN, permission="applications.withdraw_application")
    def withdraw(self, reason: str = ""):
        self.withdrawn_reason = reason
        self.decided_at = timezone.now()

    # -- transitions: the case officer ----------------------------------------------------
    @transition(field=state, source=S.SUBMITTED, target=S.SCREENING, permission="applications.screen_application")
    def start_screening(self):
        pass

    @transition(
        field=state,
        source=[S.SCREENING, S.UNDER_REVIEW],
        target=S.RETURNED,
        permission="applications.screen_application",
    )
    def return_for_information(self):
        pass

    @transition(field=state, source=S.SCREENING, target=S.INELIGIBLE, permission="applications.screen_application")
    def mark_ineligible(self):
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=S.SCREENING,
        target=S.UNDER_REVIEW,
        permission="applications.screen_application",
        conditions=[registered("send_to_review")],
    )
    def send_to_review(self):
        pass

    @transition(
        field=state,
        source=S.UNDER_REVIEW,
        target=S.RECOMMENDED,
        permission="applications.recommend_application",
        conditions=[registered("recommend")],
    )
    def recommend(self):
        pass

    # -- transitions: the approver ---------------------------------------------------------
    @transition(
        field=state,
        source=S.RECOMMENDED,
        target=S.APPOINTED,
        permission="applications.decide_application",
        conditions=[registered("appoint")],
    )
    def appoint(self):
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=S.RECOMMENDED,
        target=S.REJECTED,
        permission="applications.decide_application",
        conditions=[registered("reject")],
    )
    def reject(self):
        self.decided_at = timezone.now()

    @property
    def is_editable_by_applicant(self) -> bool:
        return self.state == S.DRAFT

    @property
    def accepts_evidence(self) -> bool:
        """Evidence may be added while drafting and while answering a request for information."""
        return self.state in (S.DRAFT, S.RETURNED)

    @property
    def is_withdrawable(self) -> bool:
        return self.state in WITHDRAWABLE


class ProposedQualification(models.Model):
    """For a PQ application: a professional qualification the applicant seeks recognition for."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="proposed_qualifications")
    title = models.CharField(_("title of the qualification"), max_length=300)
    proposed_level = models.PositiveSmallIntegerField(
        _("proposed QF level"), validators=[MinValueValidator(1), MaxValueValidator(7)]
    )

    class Meta:
        verbose_name = _("professional qualification sought")
        verbose_name_plural = _("professional qualifications sought")
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return f"{self.title} (QF L{self.proposed_level})"


class Evidence(models.Model):
    """The applicant's narrative against one criterion."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+")
    narrative = models.TextField(_("narrative"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["application", "criterion__order"]
        constraints = [models.UniqueConstraint(fields=["application", "criterion"], name="evidence_unique")]

    def __str__(self) -> str:
        return f"{self.application} / {self.criterion.code}"


class Document(models.Model):
    """An uploaded supporting document, kept under the private root with a random name."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    criteria = models.ManyToManyField(Criterion, verbose_name=_("supports criteria"), related_name="+", blank=True)
    title = models.CharField(_("title"), max_length=200)
    original_name = models.CharField(_("original file name"), max_length=255)
    stored_name = models.CharField(max_length=80, unique=True, editable=False)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    scan_status = models.CharField(_("scan"), max_length=10, choices=ScanStatus.choices, default=ScanStatus.CLEAN)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["application", "uploaded_at"]

    def __str__(self) -> str:
        return self.title


class InformationRequest(models.Model):
    """A case officer's request for more information, item by item against criteria."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="information_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    message = models.TextField(_("message"), blank=True)
    reply_by = models.DateField(_("reply by"))
    response = models.TextField(_("response"), blank=True)
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)

    class Meta:
        verbose_name = _("request for information")
        verbose_name_plural = _("requests for information")
        ordering = ["application", "-requested_at"]

    def __str__(self) -> str:
        return f"{self.application} {self.requested_at:%Y-%m-%d}"


class InformationRequestItem(models.Model):
    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(Criterion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("what is missing"))

    class Meta:
        ordering = ["request", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class ReferenceCounter(models.Model):
    """Per scheme and year, the last reference number issued (RPL-2026-0001)."""

    prefix = models.CharField(max_length=20, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}-{self.last:04d}"


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


class OrganisationInvitation(models.Model):
    """An owner's invitation to a colleague, accepted through a link by the signed-in invitee."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.EDITOR)
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["organisation", "-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class OrganisationJoinRequest(models.Model):
    """Someone who found their organisation already registered asks its owners to let them in."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.TextField(_("message to the owners"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        ordering = ["organisation", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], condition=Q(outcome="pending"), name="join_request_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"
