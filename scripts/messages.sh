#!/usr/bin/env bash
# Extract and compile the translation catalogues. Each app keeps its own catalogue in
# <app>/locale (see LOCALE_PATHS); the project's shared templates and qfapp use locale/.
# The compiled .mo files are committed so that a fresh machine needs no gettext.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export DEBUG=1 DATABASE_URL=${DATABASE_URL:-sqlite:////tmp/qf-messages.sqlite3}
for app in accounts audit agencies applications reviews notifications management casework particulars letters; do mkdir -p "$app/locale"; done
mkdir -p locale
$PY manage.py makemessages -l zh_Hant -l zh_Hans --no-obsolete --no-location --extension html,txt,py \
  --ignore ".venv/*" --ignore "tests/*" --ignore "benchmarks/*" --ignore "staticfiles/*" --ignore "scripts/*"
$PY manage.py compilemessages --ignore ".venv/*" >/dev/null
