"""Who may open letters and dossiers. Views and selectors ask these names."""

import rules

from accounts.rules import is_approver, is_case_officer, is_register_admin
from agencies.rules import is_org_member

from .enums import LetterKind


@rules.predicate
def is_addressee_member(user, letter) -> bool:
    return letter is not None and is_org_member(user, letter.organisation)


@rules.predicate
def is_register_letter(user, letter) -> bool:
    """Variations and cancellations are the register's business too."""
    return letter is not None and letter.kind in (LetterKind.VARIATION, LetterKind.CANCELLATION)


# A letter: the organisation it is addressed to, case officers and approvers; the register
# administrators for the letters about the register. Nobody else (404).
rules.add_perm(
    "letters.access_letter",
    is_addressee_member | is_case_officer | is_approver | (is_register_admin & is_register_letter),
)
# The dossier of a case: the case officers and approvers, who may see every case.
rules.add_perm("letters.request_dossier", is_case_officer | is_approver)
rules.add_perm("letters.access_dossier", is_case_officer | is_approver)
