"""Hypothesis strategies for hostile form data: what a browser, a script or an attacker may post."""

import os
from datetime import date

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st


def fuzz_settings(max_examples: int):
    """Bounded examples (times FUZZ_SCALE from the environment, for a longer run), no deadline
    (pages render at their own pace), no example database on disk."""
    return settings(
        max_examples=max(1, round(max_examples * float(os.environ.get("FUZZ_SCALE", "1")))),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )


# Every code point except lone surrogates: control characters, NUL, bidi marks, CJK, emoji.
text = st.text(max_size=80)
controls = st.text(st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Co"]), min_size=1, max_size=10)
huge = st.builds(
    lambda ch, n: ch * n, st.characters(exclude_categories=["Cs"]), st.sampled_from([301, 1001, 10_001, 200_001])
)
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 4, 5, 7, 8, 2**31, 2**63, -(2**63) - 1]),
).map(str)
floats = st.floats(allow_nan=True, allow_infinity=True).map(repr)
dates = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.sampled_from(["2026-02-30", "0000-01-01", "9999-12-31", "99999-01-01", "2026-13-01", "31.3.2029", "2026-1-1"]),
    st.tuples(st.integers(-5, 100_000), st.integers(-1, 14), st.integers(-1, 40)).map("{0[0]}-{0[1]}-{0[2]}".format),
)
nasty = st.sampled_from(
    [
        "true",
        "on",
        "None",
        "null",
        "[]",
        "{}",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "../../etc/passwd",
        "%00",
        "\x00",
        "1\x00",
        "²",
        "١٢",
        "１",
        " 1 ",
        "1e3",
        "0x10",
        "9" * 30,
    ]
)


def junk(ids=()) -> st.SearchStrategy[str]:
    """One hostile scalar; `ids` adds the ids of other objects (someone else's case, document, user)."""
    options = [text, controls, huge, numbers, floats, dates, nasty, st.just("")]
    if ids:
        options.append(st.sampled_from([str(i) for i in ids]))
    return st.one_of(options)


def value(ids=()) -> st.SearchStrategy:
    """A scalar or a repeated key (a list) of hostile values."""
    return st.one_of(junk(ids), st.lists(junk(ids), max_size=3))


@st.composite
def form_data(draw, fields: dict, ids=()) -> dict:
    """A plausible form with up to two fields made hostile or left out, plus fields the form does not
    know. Mostly plausible, so that whole forms get through validation to the services behind them."""
    data = {name: draw(plausible) for name, plausible in fields.items()}
    broken = draw(st.sets(st.sampled_from(sorted(fields)), max_size=2)) if fields else set()
    for name in sorted(broken):
        if draw(st.booleans()):
            data[name] = draw(value(ids))
        else:
            del data[name]
    extra = draw(st.dictionaries(st.from_regex(r"[a-z_\-]{1,12}", fullmatch=True), junk(ids), max_size=2))
    for name, chosen in extra.items():
        data.setdefault(name, chosen)
    return data


def choice(*values) -> st.SearchStrategy[str]:
    return st.sampled_from([str(v) for v in values])


def mostly(good, *others) -> st.SearchStrategy[str]:
    """The right value two times in three, otherwise one of the wrong ones."""
    return st.one_of(st.just(str(good)), st.just(str(good)), choice(*others)) if others else st.just(str(good))


def plain(max_size: int = 200) -> st.SearchStrategy[str]:
    """Ordinary text, or text right at the field's limit (one under, at, one over)."""
    letters = st.characters(categories=["L", "N", "P", "Zs"])
    return st.one_of(
        st.text(letters, min_size=1, max_size=min(max_size, 40)),
        st.builds(lambda ch, n: ch * n, letters, st.integers(max(max_size - 1, 1), max_size + 1)),
    )


def iso_dates(start: date = date(2020, 1, 1), end: date = date(2040, 12, 31)) -> st.SearchStrategy[str]:
    return st.dates(min_value=start, max_value=end).map(date.isoformat)
