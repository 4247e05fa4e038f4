"""No project rule has the name of a Django model permission, and nobody reaches the admin by accident."""

import pytest
import rules
from django.core.checks import run_checks
from django.test import Client

from qfapp.checks import rule_names_colliding_with_model_permissions


def test_no_rule_has_the_name_of_a_model_permission():
    assert rule_names_colliding_with_model_permissions() == []
    assert "applications.view_application" not in rules.permissions.permissions
    assert rules.permissions.permissions.rule_exists("applications.access_application")


def test_a_colliding_rule_fails_the_system_check():
    rules.add_perm("applications.view_application", rules.always_allow)
    try:
        errors = [e for e in run_checks() if e.id == "qfapp.E001"]
        assert [e.msg for e in errors] == [
            "The rule 'applications.view_application' has the name of a Django model permission."
        ]
    finally:
        rules.remove_perm("applications.view_application")


@pytest.mark.parametrize("role", ["case_officer", "approver", "reviewer", "applicant"])
def test_staff_without_an_admin_permission_reach_no_admin_page(request, db, role):
    user = request.getfixturevalue(role)
    client = Client()
    client.force_login(user)
    for path in ("/en/admin/", "/en/admin/applications/application/", "/en/admin/applications/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/en/admin/login/"), path
    assert client.get("/en/admin/login/").status_code == 404


def test_the_bureau_gives_the_admin_on_purpose(register_admin, admin_user):
    for user in (register_admin, admin_user):
        client = Client()
        client.force_login(user)
        assert client.get("/en/admin/").status_code == 200
