"""The dependencies run one way (lower layers publish domain events, upper layers subscribe), and
the review services are a package by stage behind one public interface."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(relative: str) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    tree = ast.parse((ROOT / relative).read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("applications/models.py", "reviews"),
        ("agencies/services.py", "notifications"),
    ],
)
def test_a_lower_layer_does_not_import_an_upper_one(module, forbidden):
    offending = {name for name in imported_modules(module) if name == forbidden or name.startswith(forbidden + ".")}
    assert offending == set()


def test_the_application_transitions_carry_the_conditions_the_reviews_app_registered():
    from applications.models import Application
    from reviews import conditions

    names = {
        t.name: [c.__name__ for c in t.conditions]
        for t in Application._meta.get_field("state").get_all_transitions(Application)
    }
    assert names["appoint"] == ["appoint_conditions"]
    from applications import conditions as registry

    assert conditions.competence_determined in registry._registered["appoint"]
    assert conditions.reviews_complete in registry._registered["recommend"]


def test_a_transition_nobody_registered_conditions_for_cannot_proceed():
    from applications.conditions import registered

    assert registered("no_such_transition")(object()) is False


def test_the_review_services_are_split_by_stage_and_keep_their_public_names():
    from reviews import services
    from reviews.services import assignments, decision, scoring, screening

    assert services.case_start_screening is screening.case_start_screening
    assert services.assignment_invite is assignments.assignment_invite
    assert services.review_submit is scoring.review_submit
    assert services.case_appoint is decision.case_appoint
    for module in ("screening", "assignments", "scoring", "decision", "common"):
        assert len((ROOT / "reviews" / "services" / f"{module}.py").read_text().splitlines()) < 500
