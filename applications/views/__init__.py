"""The applicant's pages. Each view is thin: a form, a service call, a message."""

from .applications import (
    application_autosave,
    application_detail,
    application_discard,
    application_edit,
    application_list,
    application_resubmit,
    application_start,
    application_status,
    application_submit,
    application_withdraw,
    collaborator_search,
    evidence_edit,
    information_request_respond,
)
from .dashboard import dashboard_section
from .documents import document_delete, document_download, document_edit, document_list
from .organisations import (
    invitation_accept,
    invitation_create,
    join_request_create,
    join_request_decide,
    organisation_create,
    organisation_detail,
    organisation_edit,
)

__all__ = [
    "application_autosave",
    "application_detail",
    "application_discard",
    "application_edit",
    "application_list",
    "application_resubmit",
    "application_start",
    "application_status",
    "application_submit",
    "application_withdraw",
    "collaborator_search",
    "dashboard_section",
    "document_delete",
    "document_download",
    "document_edit",
    "document_list",
    "evidence_edit",
    "information_request_respond",
    "invitation_accept",
    "invitation_create",
    "join_request_create",
    "join_request_decide",
    "organisation_create",
    "organisation_detail",
    "organisation_edit",
]
