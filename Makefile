# OneTeam: `make run` serves the demo city; `make test` runs every check.
# Everything is installed by these targets: a virtual environment from PyPI,
# front-end assets from npm, and (for tests) Debian's Chromium.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
DEMO_RESIDENTS ?= 25000
DEMO_SEED ?= 2026
export VENV

.PHONY: run serve test setup lint typecheck pytest unit-tests browser-tests browser clean

run: setup
	@mkdir -p var
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) generate_city --residents $(DEMO_RESIDENTS) --seed $(DEMO_SEED) --if-empty
	$(MANAGE) generate_referrals --open 1200 --closed 3000 --seed $(DEMO_SEED) --if-empty
	$(MANAGE) generate_directory --services 2000 --seed $(DEMO_SEED)
	$(MANAGE) generate_care --seed $(DEMO_SEED)
	$(MANAGE) ensure_sharing_agreements
	$(MANAGE) create_demo_staff
	$(MANAGE) ensure_demo_meeting
	$(MANAGE) stratify
	$(MANAGE) compute_measures
	$(MANAGE) runserver 127.0.0.1:8000

# Production: gunicorn with settings from the environment (DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS, ...).
serve: setup
	@bash scripts/serve.sh

test: setup browser lint typecheck pytest

setup: $(VENV)/.installed node_modules/.installed oneteam/static/build/oneteam.css

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

oneteam/static/build/oneteam.css: oneteam/static/scss/oneteam.scss node_modules/.installed
	npm run --silent build:css

browser:
	@bash scripts/install-browser.sh

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck:
	$(BIN)/mypy oneteam bench tests gunicorn.conf.py conftest.py

# Tests run in parallel, one worker per core (TEST_WORKERS=1 for a plain serial run); a
# module's tests stay on one worker, so module fixtures (a served city, a started server) are
# built once. Unit tests first, then the browser journeys in their own step; each step
# prints its 15 slowest tests.
TEST_WORKERS ?= auto
PYTEST_PARALLEL := $(BIN)/pytest -n $(TEST_WORKERS) --dist loadscope --durations=15

pytest: unit-tests browser-tests

unit-tests:
	@mkdir -p var
	$(MANAGE) makemigrations --check --dry-run
	$(PYTEST_PARALLEL) -m "not browser"

browser-tests:
	@mkdir -p var
	$(PYTEST_PARALLEL) -m browser

clean:
	rm -rf $(VENV) node_modules oneteam/static/build var
