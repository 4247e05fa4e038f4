"""Tests do not depend on their order (issue 12, item 11): a language left active by one test does not
reach the next, and `make test` runs in random order."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROBE = """
from django.utils import translation

from agencies.enums import RegisterStatus


def test_a_leaves_traditional_chinese_active():
    translation.activate("zh-hant")
    assert str(RegisterStatus.CURRENT.label) == "現行"


def test_b_reads_english():
    assert str(RegisterStatus.CURRENT.label) == "Current"
"""


def test_a_language_left_active_does_not_reach_the_next_test(tmp_path):
    probe = tmp_path / "test_probe_order.py"
    probe.write_text(PROBE, encoding="utf-8")
    # The project's language fixture, as every test under tests/ has it.
    (tmp_path / "conftest.py").write_text(
        "from tests.conftest import _default_language  # noqa: F401\n", encoding="utf-8"
    )
    result = subprocess.run(  # noqa: S603 - this interpreter, this repository's own test setup
        [
            sys.executable,
            "-m",
            "pytest",
            str(probe),
            "-p",
            "no:randomly",
            "-p",
            "no:xdist",
            "-q",
            "--rootdir",
            str(REPO),
            "-c",
            str(REPO / "pyproject.toml"),
        ],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert "2 passed" in result.stdout, result.stdout[-2000:]


def test_make_test_runs_in_random_order():
    assert "pytest-randomly==" in (REPO / "requirements-dev.txt").read_text()
    import pytest_randomly  # noqa: F401 - installed, so active in every run unless -p no:randomly

    assert "no:randomly" not in (REPO / "Makefile").read_text()
    assert "no:randomly" not in (REPO / "pyproject.toml").read_text()
