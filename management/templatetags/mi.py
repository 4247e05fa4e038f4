from datetime import date

from django import template

from qfapp.templatetags.qf import qfdate

register = template.Library()


@register.filter
def mi_cell(value):
    """A table cell on the page: dates in the register's d.m.yyyy form, nothing for a missing figure."""
    if isinstance(value, date):
        return qfdate(value)
    return "" if value is None else value
