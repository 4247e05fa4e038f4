"""Who may do what with an application. Views, templates and transitions ask these names."""

import rules

from accounts.rules import is_approver, is_case_officer
from agencies.rules import is_org_editor, is_org_member
from reviews import rules as reviews_rules


@rules.predicate
def is_applicant_member(user, application) -> bool:
    return application is not None and is_org_member(user, application.organisation)


@rules.predicate
def is_applicant_editor(user, application) -> bool:
    return application is not None and is_org_editor(user, application.organisation)


rules.add_perm(
    "applications.access_application",
    is_applicant_member | is_case_officer | is_approver | reviews_rules.is_cleared_reviewer_of,
)
rules.add_perm("applications.edit_application", is_applicant_editor)
rules.add_perm("applications.submit_application", is_applicant_editor)
rules.add_perm("applications.withdraw_application", is_applicant_editor)
rules.add_perm("applications.screen_application", is_case_officer)
rules.add_perm("applications.recommend_application", is_case_officer)
rules.add_perm("applications.decide_application", is_approver)
