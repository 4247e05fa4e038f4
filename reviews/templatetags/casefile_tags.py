"""The case file on pages whose views predate it: `{% case_file_of application as file %}`."""

from django import template

from reviews import casefile

register = template.Library()


@register.simple_tag
def case_file_of(application):
    """The case file of an application (a fixed number of queries)."""
    return casefile.case_file(application=application)


@register.simple_tag
def case_parties_of(application):
    """The organisation, officers, directors and proposed collaborators, by name."""
    return casefile.case_parties(application=application)
