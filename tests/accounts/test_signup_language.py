import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-Passphrase-2026"


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_signup_remembers_the_language_signed_up_in(client, lang):
    email = f"new-{lang}@example.org"
    response = client.post(
        f"/{lang}/accounts/signup/",
        {"full_name": "陳大文", "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert User.objects.get(email=email).preferred_language == lang
