# The README names these targets. `make run` needs nothing but Python; `make test` uses
# PostgreSQL and Redis at TEST_DB / TEST_REDIS and starts private ones for the run when nothing
# answers there (scripts/services.sh), after installing the system packages it needs
# (scripts/system-packages.txt).
# PYTHON: the interpreter for a new virtualenv; by default the newest of python3.13, python3.12,
# python3.11 on PATH (scripts/python.sh).
PYTHON ?=
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

# make run: SQLite, no Redis, tasks in-process, console email.
RUN_ENV := DEBUG=1 DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3 REDIS_URL= CELERY_BROKER_URL=
# make test: the same services as production.
TEST_DB ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/qfapp)
TEST_REDIS ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/15)
# Runs a command with DATABASE_URL and REDIS_URL answering (private servers when nothing does).
SERVICES = DATABASE_URL='$(TEST_DB)' REDIS_URL='$(TEST_REDIS)' bash scripts/services.sh run --
# These two read DATABASE_URL and REDIS_URL as SERVICES hands them over (hence $$ inside sh -c '...').
CHECKS = DJANGO_SETTINGS_MODULE=qfapp.settings_test $(BIN)/python manage.py makemigrations --check --dry-run && \
	DEBUG=0 SECRET_KEY=check-deploy-$$(date +%s)-a-long-enough-random-value-for-the-check \
	ALLOWED_HOSTS=agencies.example.gov.hk $(BIN)/python manage.py check --deploy --fail-level WARNING
SUITE = $(BIN)/python -m pytest -p xdist -n $(WORKERS) --dist loadgroup $(PYTEST_ARGS)
# make test-fresh: another supported Python and addresses where nothing answers.
FRESH_PYTHON ?= $(shell PYTHON='$(PYTHON)' bash scripts/python.sh --other)
FRESH_DB ?= postgres://postgres@127.0.0.1:55432/qfapp
FRESH_REDIS ?= redis://127.0.0.1:56379/15

.PHONY: help venv run test test-fresh test-sqlite-races suite packages lint check security services worker beat bench backup restore messages clean

help:
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

# The runtime requirements are enough for make run; the test tools come on top for the rest.
$(BIN)/.installed-run: requirements.txt
	@test -x $(BIN)/python || { py=$$(PYTHON='$(PYTHON)' bash scripts/python.sh) && \
		echo "Creating $(VENV) with $$py ($$($$py --version 2>&1))" && $$py -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.installed: $(BIN)/.installed-run requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed ## create the virtualenv (newest supported Python, or PYTHON=) with the pinned requirements

run: $(BIN)/.installed-run ## serve the site on SQLite at http://127.0.0.1:8000 with demo accounts
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_register
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

services: ## PostgreSQL and Redis for TEST_DB / TEST_REDIS: private ones, until Ctrl-C, where nothing answers
	$(SERVICES)

packages: ## install the system packages make test needs that are missing (root), or name them
	bash scripts/packages.sh test

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: venv ## migrations in step with models, and check --deploy under production settings
	$(SERVICES) sh -c '$(CHECKS)'

# B608 (SQL built from strings) is ruff's S608 too: ruff checks it everywhere, and the one module that
# builds its SQL from constants (management/selectors.py, values always passed as parameters) is
# excused there by name; bandit cannot be told so per file.
security: venv ## bandit over the code; pip-audit --strict over the dependencies (a skip says why)
	$(BIN)/bandit -q --skip B608 -r . -x ./$(VENV),./tests,./var,./staticfiles,./node_modules,./test-artifacts
	bash scripts/audit-deps.sh

test: venv packages lint security ## lint, checks and the whole suite on PostgreSQL and Redis (private ones if none answer)
	$(SERVICES) sh -c '$(CHECKS) && $(SUITE)'
	$(MAKE) --no-print-directory test-sqlite-races

suite: venv packages ## only the pytest suite, services as for make test (PYTEST_ARGS='-k ...' narrows it)
	$(SERVICES) $(SUITE)

test-fresh: ## the suite without browser tests on the other supported Python (FRESH_PYTHON, own virtualenv)
	@# ... with TEST_DB and TEST_REDIS where nothing answers, so private servers start and stop (CI's second run).
	@py='$(FRESH_PYTHON)'; py=$${py:-$$(PYTHON='$(PYTHON)' bash scripts/python.sh)} || exit 1; \
	v=$$($$py -c 'import sys; print("%d.%d" % sys.version_info[:2])') || exit 1; \
	echo "test-fresh: Python $$v ($$py) in .venv-$$v, PostgreSQL and Redis where nothing answers"; \
	REQUIRE_PRIVATE=1 $(MAKE) --no-print-directory suite PYTHON="$$py" VENV=".venv-$$v" \
		TEST_DB='$(FRESH_DB)' TEST_REDIS='$(FRESH_REDIS)' PYTEST_ARGS='-m "not browser" $(PYTEST_ARGS)'

# The race tests again on the embedded SQLite of `make run` (WAL, busy timeout, IMMEDIATE transactions).
RACE_TESTS := tests/faults/test_concurrency.py tests/reviews/test_race.py
test-sqlite-races: venv ## the race tests on SQLite as well (make test runs them)
	$(SERVICES) sh -c 'DATABASE_URL=sqlite:///$(CURDIR)/var/test-races.sqlite3 $(BIN)/python -m pytest $(RACE_TESTS) -q'

worker: venv ## a Celery worker against REDIS_URL
	$(BIN)/celery -A qfapp worker --loglevel INFO

beat: venv ## the Celery beat scheduler against REDIS_URL
	$(BIN)/celery -A qfapp beat --loglevel INFO

bench: venv ## seed a benchmark database, serve it with gunicorn and measure every page with wrk
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/qf_bench} \
	REDIS_URL=$${BENCH_REDIS_URL:-redis://127.0.0.1:6379/14} bash scripts/services.sh run -- \
		sh -c 'BENCH_DATABASE_URL=$$DATABASE_URL BENCH_REDIS_URL=$$REDIS_URL $(BIN)/python benchmarks/run.py'

backup: venv ## dump DATABASE_URL and the private files into var/backups/<UTC time> (or BACKUP_DIR)
	bash scripts/backup.sh

restore: venv ## restore BACKUP=<folder> into TARGET_DATABASE_URL=<new database> and TARGET_FILES=<empty folder>
	@test -n "$(BACKUP)" -a -n "$(TARGET_DATABASE_URL)" -a -n "$(TARGET_FILES)" || \
		{ echo "usage: make restore BACKUP=var/backups/<time> TARGET_DATABASE_URL=postgres://.../new_db TARGET_FILES=<empty folder>"; exit 2; }
	bash scripts/restore.sh "$(BACKUP)" "$(TARGET_DATABASE_URL)" "$(TARGET_FILES)"

messages: venv ## extract and compile the translation catalogues
	bash scripts/messages.sh

clean:
	rm -rf $(VENV) .venv-3.* db.sqlite3 var staticfiles
