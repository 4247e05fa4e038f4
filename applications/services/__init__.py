"""Every write the applicant side makes: organisations, applications, evidence and documents."""

from .applications import (
    application_discard,
    application_resubmit,
    application_start,
    application_submit,
    application_update,
    application_withdraw,
    evidence_save,
    fee_policy_save,
    information_request_respond,
)
from .documents import (
    document_delete,
    document_open_record,
    document_open_refused,
    document_update,
    document_upload,
)
from .organisations import (
    invitation_accept,
    invitation_create,
    join_request_create,
    join_request_decide,
    organisation_register,
    organisation_update,
)

__all__ = [
    "application_discard",
    "application_resubmit",
    "application_start",
    "application_submit",
    "application_update",
    "application_withdraw",
    "document_delete",
    "document_open_record",
    "document_open_refused",
    "document_update",
    "document_upload",
    "evidence_save",
    "fee_policy_save",
    "information_request_respond",
    "invitation_accept",
    "invitation_create",
    "join_request_create",
    "join_request_decide",
    "organisation_register",
    "organisation_update",
]
