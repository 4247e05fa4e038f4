from django import template

from ..selectors import applicant_state_label

register = template.Library()

BADGES = {
    "draft": "text-bg-secondary",
    "submitted": "text-bg-primary",
    "screening": "text-bg-primary",
    "returned": "text-bg-warning",
    "under_review": "text-bg-primary",
    "recommended": "text-bg-primary",
    "appointed": "text-bg-success",
    "rejected": "text-bg-danger",
    "ineligible": "text-bg-danger",
    "withdrawn": "text-bg-dark",
}


@register.filter
def applicant_state(state: str) -> str:
    return applicant_state_label(state)


@register.filter
def state_badge(state: str) -> str:
    return BADGES.get("under_review" if state == "recommended" else state, "text-bg-secondary")
