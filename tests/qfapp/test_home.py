import pytest


@pytest.mark.parametrize(
    ("prefix", "lang_attr", "heading"),
    [
        ("en", 'lang="en"', "Gaining qualifications through assessment"),
        ("zh-hant", 'lang="zh-Hant-HK"', "透過評估獲取資歷"),
        ("zh-hans", 'lang="zh-Hans"', "透过评估获取资历"),
    ],
)
def test_home_renders_in_each_language(client, db, prefix, lang_attr, heading):
    response = client.get(f"/{prefix}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert lang_attr in html
    assert heading in html
    # the switcher links to the same page in the other two languages
    for other in {"en", "zh-hant", "zh-hans"} - {prefix}:
        assert f'href="/{other}/"' in html


@pytest.mark.parametrize(
    ("accept", "target"),
    [("zh-HK,zh;q=0.9", "/zh-hant/"), ("zh-TW", "/zh-hant/"), ("zh-CN,zh;q=0.8", "/zh-hans/"), ("fr-FR", "/en/")],
)
def test_root_redirects_by_accept_language(client, db, accept, target):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == target


def test_home_is_cacheable_for_anonymous_visitors(client, db):
    response = client.get("/en/")
    assert "Cookie" not in response.get("Vary", "")
    assert "sessionid" not in response.cookies
    assert client.head("/en/").status_code == 200
