from django import template

from applications.enums import ApplicationState

register = template.Library()


@register.filter
def state_label(value: str) -> str:
    """The translated name of an application state code, or the code itself."""
    try:
        return ApplicationState(value).label
    except ValueError:
        return value
