"""Hypothesis over the public entry points: no query string or header makes the site answer 500."""

from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PATHS = ["/", "/en/", "/zh-hant/", "/zh-hans/", "/healthz"]
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], derandomize=True
)

text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=120)
query = st.one_of(
    st.dictionaries(text, st.one_of(text, st.lists(text, max_size=3)), max_size=5).map(
        lambda d: urlencode(d, doseq=True)
    ),
    st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=120),
)
headers = st.fixed_dictionaries(
    {},
    optional={
        "HTTP_ACCEPT_LANGUAGE": st.one_of(header_text, st.sampled_from(["zh-HK", "zh-CN,zh;q=0.8", "*", "q=9", ";;"])),
        "HTTP_X_REQUEST_ID": header_text,
        "HTTP_COOKIE": st.one_of(
            header_text, header_text.map(lambda v: f"sessionid={v}"), header_text.map(lambda v: f"django_language={v}")
        ),
        "HTTP_USER_AGENT": header_text,
        "HTTP_REFERER": header_text,
        "HTTP_IF_NONE_MATCH": header_text,
        "HTTP_IF_MODIFIED_SINCE": header_text,
        "HTTP_X_FORWARDED_FOR": header_text,
        "HTTP_ACCEPT": header_text,
    },
)


@pytest.mark.django_db
@FUZZ
@given(path=st.sampled_from(PATHS), query_string=query, extra=headers)
def test_public_pages_never_answer_500(path, query_string, extra):
    response = Client().get(f"{path}?{query_string}" if query_string else path, **extra)
    assert response.status_code < 500, (path, query_string, extra, response.status_code)
    if path == "/healthz":
        assert response.json()["status"] == "ok"


@pytest.mark.django_db
@FUZZ
@given(path=st.sampled_from(PATHS), method=st.sampled_from(["post", "put", "patch", "delete", "options"]), body=text)
def test_public_pages_refuse_other_methods_without_500(path, method, body):
    response = getattr(Client(), method)(path, data=body, content_type="text/plain")
    # "/" redirects to a language; every page here answers GET (and HEAD) only
    assert response.status_code == (302 if path == "/" else 405)
