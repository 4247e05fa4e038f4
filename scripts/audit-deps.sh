#!/usr/bin/env bash
# Audit the installed dependencies with pip-audit --strict when its vulnerability service answers.
# When it does not, say so with the reason: a skipped audit is never reported as a pass.
# REQUIRE_DEPS_AUDIT=1 turns a skip into a failure (for a pipeline that can reach the service).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin

reason=$("$BIN/python" - <<'PY'
import importlib.metadata
import json
import urllib.request

url = f"https://pypi.org/pypi/django/{importlib.metadata.version('django')}/json"
try:
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - a fixed https address
        data = json.load(answer)
    if "vulnerabilities" not in data:
        print(f"{url} answered without vulnerability data")
except Exception as exc:  # noqa: BLE001 - any failure means the service cannot be used
    print(f"{url} did not answer: {exc}")
PY
)

if [ -n "$reason" ]; then
  echo "pip-audit: SKIPPED, not passed: the PyPI vulnerability service cannot be used from this machine ($reason)."
  if [ "${REQUIRE_DEPS_AUDIT:-0}" = 1 ]; then exit 1; fi
  exit 0
fi
echo "pip-audit: auditing the installed packages against the PyPI vulnerability service (--strict)"
exec "$BIN/pip-audit" --strict --progress-spinner off
