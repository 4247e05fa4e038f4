"""django-allauth's own msgids that this site words differently in Chinese.

Listing them here puts them in the accounts catalogue, which LOCALE_PATHS consults before
allauth's and Django's own: the sign-in form says 電郵地址 as everywhere else on the site, and the
two-factor page does not leave "authenticator" in English.
"""

from django.utils.translation import gettext_noop

ALLAUTH_WORDING = (
    gettext_noop("Email"),
    gettext_noop("An authenticator app is not active."),
)
