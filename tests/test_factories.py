from applications.models import Evidence

from .factories import ApplicationFactory


def test_application_factory_builds_a_submitted_application_with_evidence(reference):
    application = ApplicationFactory(state="submitted", evidence=True)
    assert application.state == "submitted"
    assert application.reference.startswith("RPL-2026-")
    assert Evidence.objects.filter(application=application).count() == 7
