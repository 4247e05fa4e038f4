"""Who may see the management information, and who keeps the working calendar and the targets."""

import rules

from accounts.rules import is_approver, is_bureau_manager, is_register_admin

# Read-only figures for the bureau manager and the approvers; no case action comes with them.
rules.add_perm("management.view_dashboard", is_bureau_manager | is_approver)
# The register administrators keep the reference data; closure days and targets are part of it.
rules.add_perm("management.change_calendar", is_register_admin)
