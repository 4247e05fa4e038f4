# The README names these targets. `make run` needs nothing but Python; `make test` uses
# PostgreSQL and Redis on 127.0.0.1 (started by scripts/services.sh if they are down).
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# make run: SQLite, no Redis, tasks in-process, console email.
RUN_ENV := DEBUG=1 DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3 REDIS_URL= CELERY_BROKER_URL=
# make test: the same services as production.
TEST_DB ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/qfapp)
TEST_REDIS ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/15)
PROD_CHECK_ENV := DEBUG=0 SECRET_KEY=check-deploy-$$(date +%s)-a-long-enough-random-value-for-the-check \
	DATABASE_URL=$(TEST_DB) REDIS_URL=$(TEST_REDIS) ALLOWED_HOSTS=agencies.example.gov.hk

.PHONY: help venv run test test-sqlite-races lint check security services worker beat bench backup restore messages clean

help:
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed ## create the virtualenv and install the pinned requirements

run: venv ## serve the site on SQLite at http://127.0.0.1:8000 with demo accounts
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_register
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

services: ## start PostgreSQL and Redis on 127.0.0.1 if they are down
	bash scripts/services.sh

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: venv services ## migrations in step with models, and check --deploy under production settings
	DJANGO_SETTINGS_MODULE=qfapp.settings_test $(BIN)/python manage.py makemigrations --check --dry-run
	$(PROD_CHECK_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING

security: venv ## bandit over the code; pip-audit --strict over the dependencies (a skip says why)
	$(BIN)/bandit -q -r . -x ./$(VENV),./tests,./var,./staticfiles,./node_modules,./test-artifacts
	bash scripts/audit-deps.sh

test: venv services lint check security ## the whole suite on PostgreSQL and Redis, as CI runs it
	DATABASE_URL=$(TEST_DB) REDIS_URL=$(TEST_REDIS) $(BIN)/python -m pytest -p xdist -n 2 --dist loadgroup $(PYTEST_ARGS)
	$(MAKE) test-sqlite-races

# The race tests again on the embedded SQLite of `make run` (WAL, busy timeout, IMMEDIATE transactions).
RACE_TESTS := tests/faults/test_concurrency.py tests/reviews/test_race.py
test-sqlite-races: venv ## the race tests on SQLite as well (make test runs them)
	DATABASE_URL=sqlite:///$(CURDIR)/var/test-races.sqlite3 REDIS_URL=$(TEST_REDIS) $(BIN)/python -m pytest $(RACE_TESTS) -q

worker: venv ## a Celery worker against REDIS_URL
	$(BIN)/celery -A qfapp worker --loglevel INFO

beat: venv ## the Celery beat scheduler against REDIS_URL
	$(BIN)/celery -A qfapp beat --loglevel INFO

bench: venv services ## seed a benchmark database, serve it with gunicorn and measure every page with wrk
	$(BIN)/python benchmarks/run.py

backup: venv ## dump DATABASE_URL and the private files into var/backups/<UTC time> (or BACKUP_DIR)
	bash scripts/backup.sh

restore: venv ## restore BACKUP=<folder> into TARGET_DATABASE_URL=<new database> and TARGET_FILES=<empty folder>
	@test -n "$(BACKUP)" -a -n "$(TARGET_DATABASE_URL)" -a -n "$(TARGET_FILES)" || \
		{ echo "usage: make restore BACKUP=var/backups/<time> TARGET_DATABASE_URL=postgres://.../new_db TARGET_FILES=<empty folder>"; exit 2; }
	bash scripts/restore.sh "$(BACKUP)" "$(TARGET_DATABASE_URL)" "$(TARGET_FILES)"

messages: venv ## extract and compile the translation catalogues
	bash scripts/messages.sh

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles
