from django.db import models
from django.db.models import QuerySet

from .models import AuditEntry


def audit_for_object(*, obj: models.Model) -> QuerySet[AuditEntry]:
    """The timeline of one object, oldest first, with actors joined."""
    return (
        AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("created_at", "id")
    )
