# Two commands for a fresh clone on a machine with Python 3.11:
#   make run   install into .venv, migrate, load demo content, serve on http://127.0.0.1:8000
#   make test  the whole test suite (SQLite; set DATABASE_URL for PostgreSQL)
# and one for whoever changes a dependency in pyproject.toml:
#   make lock  pin every package again in requirements.lock (exact versions and hashes)
# and two for translations (README, "Languages"):
#   make messages            extract the project's strings into locale/<language>/ catalogues
#   make check-translations  fail when a catalogue misses, leaves empty or fuzzy any string
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
PIP_VERSION := 26.3
PIP_TOOLS := $(VENV)/pip-tools
PIP_TOOLS_VERSION := 7.6.2
# make test runs the suite in parallel, one worker per core (TEST_WORKERS=0: in one process).
TEST_WORKERS ?= auto
# The migrated test database is kept between runs (pytest-django's --reuse-db); REUSE_DB=0
# builds it afresh, as CI does (needed after editing or removing a migration).
REUSE_DB ?= 1

.PHONY: run test install lock lint format clean messages compilemessages check-translations

# Installs exactly what requirements.lock pins (hash-checked), then the project itself.
$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "pip==$(PIP_VERSION)"
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

install: $(STAMP) compilemessages

# The catalogues under locale/ compiled to .mo (not committed), so a fresh clone serves them;
# only catalogues newer than their .mo are compiled again.
compilemessages: $(STAMP)
	test ! -d locale || $(BIN)/python manage.py compilemessages -v 0 \
	  --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=test-artifacts

# The project's strings (Python, templates, e-mail texts, site scripts) into the catalogues of
# every working language but English; options: lms/management/commands/update_catalogues.py.
messages: $(STAMP)
	$(BIN)/python manage.py update_catalogues

check-translations: $(STAMP)
	$(BIN)/python .ci/check-translations

# Resolves pyproject.toml's dependencies and the dev extra again. Pins already in the lock
# are kept where they still fit; `make lock LOCK_ARGS=--upgrade` moves everything to the newest
# versions the bounds allow, `LOCK_ARGS="--upgrade-package NAME"` one package.
lock:
	test -x $(PIP_TOOLS)/bin/pip-compile || ( $(PYTHON) -m venv $(PIP_TOOLS) && \
	  $(PIP_TOOLS)/bin/python -m pip install --quiet "pip-tools==$(PIP_TOOLS_VERSION)" )
	$(PIP_TOOLS)/bin/pip-compile --quiet --extra dev --generate-hashes --allow-unsafe \
	  --strip-extras --no-emit-index-url --no-emit-find-links --output-file $(LOCK) \
	  $(LOCK_ARGS) pyproject.toml

run: $(STAMP) compilemessages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(STAMP) compilemessages
	$(BIN)/python -m pytest -n $(TEST_WORKERS) \
	  $(if $(filter 1,$(REUSE_DB)),--reuse-db,--create-db) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles test-artifacts
