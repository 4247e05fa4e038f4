"""Writes to organisations and appointments. Every change is audited and refreshes the register."""

from contextlib import contextmanager
from datetime import date

from django.core.cache import cache
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record, audit_refusal
from qfapp import domain_events
from qfapp.exceptions import RuleViolation

from .enums import RegisterEventKind, TermKind
from .models import Appointment, AppointmentTerm, Industry, Organisation, RegisterEvent, Scheme

REGISTER_VERSION_KEY = "register:version"


def register_changed() -> None:
    """Invalidate every cached register response (they key on this version) once the change commits."""

    def bump():
        try:
            cache.incr(REGISTER_VERSION_KEY)
        except ValueError:
            cache.set(REGISTER_VERSION_KEY, int(timezone.now().timestamp() * 1000), None)

    transaction.on_commit(bump)


def register_version() -> int:
    version = cache.get(REGISTER_VERSION_KEY)
    if version is None:
        version = int(timezone.now().timestamp() * 1000)
        cache.add(REGISTER_VERSION_KEY, version, None)
    return version


def term_overlaps(*, agency_id: int, industry_id: int | None, start: date, end: date, exclude_pk=None) -> bool:
    """Whether the agency already holds a term for this industry that overlaps [start, end]."""
    qs = AppointmentTerm.objects.filter(agency_id=agency_id, industry_id=industry_id, start__lte=end, end__gte=start)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def _check_term(*, appointment: Appointment, start: date, end: date) -> None:
    if end < start:
        raise RuleViolation(_("The term cannot end before it starts."))
    if term_overlaps(agency_id=appointment.agency_id, industry_id=appointment.industry_id, start=start, end=end):
        raise RuleViolation(_("This agency already holds a term for this industry that overlaps these dates."))


def appointment_refresh_dates(*, appointment: Appointment) -> None:
    """Copy the first start and the latest end of the terms onto the appointment (for SQL sorting)."""
    agg = appointment.terms.aggregate(first=Min("start"), last=Max("end"))
    Appointment.objects.filter(pk=appointment.pk).update(first_start=agg["first"], current_end=agg["last"])
    appointment.first_start, appointment.current_end = agg["first"], agg["last"]
    register_changed()


def _insert_term(*, appointment: Appointment, **fields) -> AppointmentTerm:
    try:
        with transaction.atomic():
            return AppointmentTerm.objects.create(appointment=appointment, **fields)
    except IntegrityError as exc:
        # The database's exclusion constraint caught a concurrent overlapping term.
        raise RuleViolation(_("This agency already holds a term for this industry that overlaps these dates.")) from exc
    except OperationalError as exc:
        # Two concurrent overlapping inserts can also meet as a deadlock in the constraint's check;
        # PostgreSQL then aborts one of them (SQLSTATE 40P01), which is the same refusal.
        if getattr(exc.__cause__, "sqlstate", None) != "40P01":
            raise
        raise RuleViolation(_("This agency already holds a term for this industry that overlaps these dates.")) from exc


def _check_actor(actor, perm: str, message: str, obj=None) -> None:
    """Every change to a decision, an appointment or the register names who makes it, and that actor
    must hold the permission; scheduled jobs and imports pass accounts.system.system_actor()."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.has_perm(perm, obj):
        raise RuleViolation(message)


@contextmanager
def _audited_refusal(*, obj, actor, action: str):
    """Audit a refused attempt outside the rolled-back transaction, so that the refusal survives."""
    try:
        yield
    except RuleViolation as exc:
        audit_refusal(action=action, obj=obj, actor=actor, note="; ".join(exc.messages))
        raise


def _may_decide(actor, obj) -> None:
    _check_actor(
        actor,
        "agencies.decide_appointment",
        _("Only an approver, for the Secretary for Education, may appoint or re-appoint an agency."),
        obj,
    )


def appointment_create(
    *,
    agency: Organisation,
    scheme: Scheme,
    industry: Industry | None,
    start: date,
    end: date,
    actor,
    enquiry_phone: str = "",
    conditions: str = "",
    collaborators=(),
    publish: bool = False,
    decided_on: date | None = None,
    note: str = "",
    past_record: bool = False,
) -> Appointment:
    """Appoint an agency with a first term. `actor` is required: an approver (or the system actor).

    `past_record=True` records an appointment the Secretary decided before (or outside) this system,
    on `decided_on` in the past: the register administrators keep that history (the import of the
    register's terms), and the term names no decider in the system.
    Raises RuleViolation for a missing or unauthorised actor, or a bad or overlapping term."""
    with _audited_refusal(obj=agency, actor=actor, action="agencies.appointment.created"), transaction.atomic():
        if past_record:
            _check_actor(
                actor,
                "agencies.record_past_appointment",
                _("Only a register administrator may record a past appointment."),
                agency,
            )
            if decided_on is None or decided_on > timezone.localdate():
                raise RuleViolation(_("A past appointment needs the date of its decision, not in the future."))
        else:
            _may_decide(actor, agency)
        appointment = Appointment(
            agency=agency, scheme=scheme, industry=industry, enquiry_phone=enquiry_phone, conditions=conditions
        )
        _check_term(appointment=appointment, start=start, end=end)
        appointment.save()
        appointment.collaborators.set(collaborators)
        _insert_term(
            appointment=appointment,
            kind=TermKind.FIRST,
            start=start,
            end=end,
            decided_on=decided_on,
            decided_by=None if past_record else actor,
            note=note,
        )
        appointment_refresh_dates(appointment=appointment)
        data = {"start": start.isoformat(), "end": end.isoformat()}
        if past_record:
            data["recorded"] = True
        audit_record(action="agencies.appointment.created", obj=appointment, actor=actor, data=data)
        domain_events.publish(domain_events.APPOINTMENT_CREATED, obj=appointment, actor=actor, **data)
        if publish:
            appointment_publish(appointment=appointment, actor=actor)
    return appointment


def appointment_reappoint(
    *, appointment: Appointment, start: date, end: date, actor, decided_on: date | None = None, note: str = ""
) -> AppointmentTerm:
    """Add a re-appointment term; the law requires it to be made on or before the current term's end.
    `actor` is required: an approver (or the system actor). Raises RuleViolation."""
    with (
        _audited_refusal(obj=appointment, actor=actor, action="agencies.appointment.reappointed"),
        transaction.atomic(),
    ):
        _may_decide(actor, appointment)
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if appointment.cancelled_on:
            raise RuleViolation(_("A cancelled appointment cannot be renewed."))
        decided = decided_on or timezone.localdate()
        if appointment.current_end and decided > appointment.current_end:
            raise RuleViolation(_("A re-appointment must be made on or before the end of the current term."))
        _check_term(appointment=appointment, start=start, end=end)
        term = _insert_term(
            appointment=appointment,
            kind=TermKind.REAPPOINTMENT,
            start=start,
            end=end,
            decided_on=decided,
            decided_by=actor,
            note=note,
        )
        appointment_refresh_dates(appointment=appointment)
        data = {"start": start.isoformat(), "end": end.isoformat()}
        audit_record(action="agencies.appointment.reappointed", obj=appointment, actor=actor, data=data)
        if appointment.is_published:
            RegisterEvent.objects.create(
                appointment=appointment, kind=RegisterEventKind.REAPPOINTED, occurred_at=timezone.now()
            )
        domain_events.publish(domain_events.APPOINTMENT_REAPPOINTED, obj=appointment, actor=actor, **data)
    return term


def appointment_publish(*, appointment: Appointment, actor) -> Appointment:
    """Show the appointment on the public register. `actor` is required: a register administrator (or
    the system actor). Raises RuleViolation for anyone else, and while a public text (the agency's or a
    collaborating body's name, the conditions) lacks one of the three languages: the Chinese register
    must not show English."""
    with (
        _audited_refusal(obj=appointment, actor=actor, action="agencies.appointment.published"),
        transaction.atomic(),
    ):
        _check_actor(
            actor,
            "agencies.publish_appointment",
            _("Only a register administrator may publish an appointment on the register."),
            appointment,
        )
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if appointment.is_published:
            return appointment
        from .public_texts import missing_languages

        if missing := missing_languages(appointment=appointment):
            raise RuleViolation(
                _("The appointment cannot be published until every public text has its three languages."), *missing
            )
        appointment.is_published = True
        appointment.published_at = timezone.now()
        appointment.save(update_fields=["is_published", "published_at", "updated_at"])
        RegisterEvent.objects.create(
            appointment=appointment, kind=RegisterEventKind.PUBLISHED, occurred_at=timezone.now()
        )
        audit_record(
            action="agencies.appointment.published",
            obj=appointment,
            actor=actor,
            from_state="unpublished",
            to_state="published",
        )
        domain_events.publish(domain_events.APPOINTMENT_PUBLISHED, obj=appointment, actor=actor)
        register_changed()
    return appointment


CONDITION_LANGUAGES = ("en", "zh-hant", "zh-hans")


@contextmanager
def _register_change(*, appointment: Appointment, actor, action: str, perm: str, message: str):
    """Check the permission, run the change in one transaction, and audit a refusal outside it so it survives."""
    with _audited_refusal(obj=appointment, actor=actor, action=action):
        _check_actor(actor, perm, message, appointment)
        with transaction.atomic():
            yield


def _locked(appointment: Appointment) -> Appointment:
    return Appointment.objects.select_for_update().get(pk=appointment.pk)


def appointment_unpublish(*, appointment: Appointment, actor, note: str = "") -> Appointment:
    """Take the appointment off the public register (pages, exports and feed) at once. Raises RuleViolation."""
    with _register_change(
        appointment=appointment,
        actor=actor,
        action="agencies.appointment.unpublished",
        perm="agencies.administer_register",
        message=_("Only a register administrator may change the register."),
    ):
        appointment = _locked(appointment)
        if not appointment.is_published:
            raise RuleViolation(_("This appointment is not on the public register."))
        appointment.is_published = False
        appointment.save(update_fields=["is_published", "updated_at"])
        audit_record(
            action="agencies.appointment.unpublished",
            obj=appointment,
            actor=actor,
            from_state="published",
            to_state="unpublished",
            note=note,
        )
        domain_events.publish(domain_events.APPOINTMENT_UNPUBLISHED, obj=appointment, actor=actor)
        register_changed()
    return appointment


def _conditions_of(appointment: Appointment) -> dict[str, str]:
    return {lang: getattr(appointment, f"conditions_{lang.replace('-', '_')}") or "" for lang in CONDITION_LANGUAGES}


def _check_effective(appointment: Appointment, effective: date, *, before: str, after: str) -> None:
    if appointment.first_start and effective < appointment.first_start:
        raise RuleViolation(before)
    if appointment.current_end and effective > appointment.current_end:
        raise RuleViolation(after)


def appointment_vary(
    *,
    appointment: Appointment,
    conditions: dict[str, str],
    actor,
    grounds: str = "",
    effective: date | None = None,
    note: str = "",
) -> Appointment:
    """Vary the conditions or restrictions (Cap. 592 s.8(1)) in the three languages, with grounds and an
    effective date (today when not given): a decision for the Secretary, taken by an approver.
    `conditions` maps a language code to text; `note` is the older name of `grounds`.

    Raises RuleViolation for anyone but an approver, a cancelled appointment, no grounds, an effective
    date outside the terms, or unchanged conditions.
    """
    with _register_change(
        appointment=appointment,
        actor=actor,
        action="agencies.appointment.varied",
        perm="agencies.vary_appointment",
        message=_("Only an approver, for the Secretary for Education, may vary the conditions of an appointment."),
    ):
        appointment = _locked(appointment)
        grounds = (grounds or note or "").strip()
        effective = effective or timezone.localdate()
        if appointment.cancelled_on:
            raise RuleViolation(_("The conditions of a cancelled appointment cannot be varied."))
        if not grounds:
            raise RuleViolation(_("Give the grounds of the variation."))
        _check_effective(
            appointment,
            effective,
            before=_("A variation cannot take effect before the first appointment began."),
            after=_("A variation cannot take effect after the current term has ended."),
        )
        before = _conditions_of(appointment)
        after = {lang: (conditions.get(lang) or "").strip() for lang in CONDITION_LANGUAGES}
        if before == after:
            raise RuleViolation(_("The conditions are unchanged."))
        for lang, text in after.items():
            setattr(appointment, f"conditions_{lang.replace('-', '_')}", text)
        appointment.save(
            update_fields=[f"conditions_{lang.replace('-', '_')}" for lang in CONDITION_LANGUAGES] + ["updated_at"]
        )
        data = {"from": before, "to": after, "effective": effective.isoformat()}
        audit_record(
            action="agencies.appointment.varied",
            obj=appointment,
            actor=actor,
            from_state="conditions",
            to_state="conditions",
            note=grounds,
            data=data,
        )
        if appointment.is_published:
            RegisterEvent.objects.create(
                appointment=appointment, kind=RegisterEventKind.VARIED, occurred_at=timezone.now(), note=grounds
            )
        domain_events.publish(domain_events.APPOINTMENT_VARIED, obj=appointment, actor=actor, grounds=grounds, **data)
        register_changed()
    return appointment


def appointment_cancel(*, appointment: Appointment, effective: date, grounds: str, actor) -> Appointment:
    """Cancel the appointment (Cap. 592 s.8(5)) with effect from a date within its terms, with grounds: a
    decision for the Secretary, taken by an approver. Raises RuleViolation."""
    with _register_change(
        appointment=appointment,
        actor=actor,
        action="agencies.appointment.cancelled",
        perm="agencies.cancel_appointment",
        message=_("Only an approver, for the Secretary for Education, may cancel an appointment."),
    ):
        appointment = _locked(appointment)
        grounds = (grounds or "").strip()
        if not grounds:
            raise RuleViolation(_("Give the grounds of the cancellation."))
        if appointment.cancelled_on:
            raise RuleViolation(_("This appointment has already been cancelled."))
        _check_effective(
            appointment,
            effective,
            before=_("A cancellation cannot take effect before the first appointment began."),
            after=_("A cancellation cannot take effect after the current term has ended."),
        )
        appointment.cancelled_on = effective
        appointment.cancellation_grounds = grounds
        appointment.save(update_fields=["cancelled_on", "cancellation_grounds", "updated_at"])
        audit_record(
            action="agencies.appointment.cancelled",
            obj=appointment,
            actor=actor,
            from_state="appointed",
            to_state="cancelled",
            note=grounds,
            data={"effective": effective.isoformat()},
        )
        if appointment.is_published:
            RegisterEvent.objects.create(
                appointment=appointment, kind=RegisterEventKind.CANCELLED, occurred_at=timezone.now(), note=grounds
            )
        domain_events.publish(
            domain_events.APPOINTMENT_CANCELLED,
            obj=appointment,
            actor=actor,
            grounds=grounds,
            effective=effective.isoformat(),
        )
        register_changed()
    return appointment


def criteria_set_new_version(*, criteria_set, actor):
    """Copy a criteria set, with its criteria in every language, as the scheme's next version, not yet
    in use for new applications (so that it can be edited first). The way to change criteria that
    applications are bound to. Only a register administrator. Raises RuleViolation."""
    from .models import CriteriaSet

    with _audited_refusal(obj=criteria_set, actor=actor, action="agencies.criteria_set.versioned"):
        _check_actor(actor, "agencies.administer_register", _("Only a register administrator may change the criteria."))
        with transaction.atomic():
            latest = (
                CriteriaSet.objects.select_for_update().filter(scheme_id=criteria_set.scheme_id).order_by("-version")
            ).first()
            copy = CriteriaSet.objects.get(pk=criteria_set.pk)
            criteria = list(copy.criteria.all())
            copy.pk = None
            copy.version = latest.version + 1
            copy.is_active = False
            copy.effective_from = timezone.localdate()
            copy.save()
            for criterion in criteria:
                criterion.pk = None
                criterion.criteria_set = copy
                criterion.save()
            audit_record(
                action="agencies.criteria_set.versioned",
                obj=copy,
                actor=actor,
                data={"from": criteria_set.pk, "version": copy.version},
            )
    return copy


def appointment_record(
    *,
    agency: Organisation,
    scheme: Scheme,
    industry: Industry | None,
    start: date,
    end: date,
    decided_on: date,
    actor,
    note: str = "",
) -> Appointment:
    """Record an appointment decided before this system, with its earliest known term, unpublished.

    The register administrators keep the record of past decisions; a new decision is the approver's
    (`appointment_create`). Raises RuleViolation for a bad date, an overlap or a missing permission.
    """
    action = "agencies.appointment.recorded"
    with _audited_refusal(obj=agency, actor=actor, action=action), transaction.atomic():
        _check_actor(actor, "agencies.administer_register", _("Only a register administrator may change the register."))
        _check_decision_date(decided_on=decided_on, end=end)
        appointment = Appointment(agency=agency, scheme=scheme, industry=industry)
        _check_term(appointment=appointment, start=start, end=end)
        appointment.save()
        _insert_term(
            appointment=appointment,
            kind=TermKind.FIRST,
            start=start,
            end=end,
            decided_on=decided_on,
            note=(note or "").strip(),
        )
        appointment_refresh_dates(appointment=appointment)
        data = {"start": start.isoformat(), "end": end.isoformat(), "decided_on": decided_on.isoformat()}
        audit_record(action=action, obj=appointment, actor=actor, note=(note or "").strip(), data=data)
    return appointment


def _check_decision_date(*, decided_on: date | None, end: date) -> None:
    if decided_on is None:
        raise RuleViolation(_("Give the date of the decision."))
    if decided_on > timezone.localdate():
        raise RuleViolation(_("The decision date cannot be in the future."))
    if decided_on > end:
        raise RuleViolation(_("The decision date cannot be after the end of the term."))


def _renumber_terms(appointment: Appointment) -> None:
    """The earliest term is the first appointment; every later one a re-appointment."""
    first = appointment.terms.order_by("start").values_list("pk", flat=True).first()
    appointment.terms.exclude(pk=first).exclude(kind=TermKind.REAPPOINTMENT).update(kind=TermKind.REAPPOINTMENT)
    appointment.terms.filter(pk=first).exclude(kind=TermKind.FIRST).update(kind=TermKind.FIRST)


def appointment_term_record(
    *, appointment: Appointment, start: date, end: date, decided_on: date, actor, note: str = ""
) -> AppointmentTerm:
    """Record a term decided before this system (or outside it) with its decision date.

    The register administrators keep the history; the same no-overlap rule holds as for any term.
    Raises RuleViolation for a bad date, an overlap or a missing permission.
    """
    with _register_change(
        appointment=appointment,
        actor=actor,
        action="agencies.appointment.term_recorded",
        perm="agencies.administer_register",
        message=_("Only a register administrator may change the register."),
    ):
        appointment = _locked(appointment)
        _check_decision_date(decided_on=decided_on, end=end)
        _check_term(appointment=appointment, start=start, end=end)
        term = _insert_term(
            appointment=appointment,
            kind=TermKind.REAPPOINTMENT,
            start=start,
            end=end,
            decided_on=decided_on,
            note=(note or "").strip(),
        )
        _renumber_terms(appointment)
        term.refresh_from_db(fields=["kind"])
        appointment_refresh_dates(appointment=appointment)
        audit_record(
            action="agencies.appointment.term_recorded",
            obj=appointment,
            actor=actor,
            note=term.note,
            data={"start": start.isoformat(), "end": end.isoformat(), "decided_on": decided_on.isoformat()},
        )
    return term
