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


@register.simple_tag(takes_context=True)
def case_conversation_of(context, application):
    """Messages to the applicant and internal notes, with their forms, for staff who may see them."""
    from casework import selectors as casework_selectors
    from casework.forms import CaseMessageForm, CaseNoteForm

    request = context["request"]
    user = request.user
    if not user.has_perm("reviews.add_case_note", application):
        return None

    def kept(form_class):
        return request.session.pop(f"qf_case_form:{form_class.__name__}:{application.pk}", None)

    may_message = user.has_perm("reviews.message_applicant", application)
    return {
        "messages": list(casework_selectors.case_messages(application=application)),
        "notes": list(casework_selectors.case_notes(application=application)),
        "note_form": CaseNoteForm(initial=kept(CaseNoteForm), prefix=None),
        "message_form": CaseMessageForm(initial=kept(CaseMessageForm)) if may_message else None,
    }
