# ToSo: `make demo` runs the app with demo data on SQLite; `make test` runs the whole test suite.
# Both create a virtualenv in .venv with Python 3.12+ (vietnam-provinces 2026.9 needs it).

PYTHON ?= $(shell for p in python3.13 python3.12 $(HOME)/.pyenv/versions/3.12*/bin/python3.12 \
             $(HOME)/.pyenv/versions/3.13*/bin/python3.13; do \
             $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)
VENV ?= .venv
BIN := $(VENV)/bin
DEV_ENV := TOSO_ENV=development FIREBASE_AUTH_EMULATOR_HOST=127.0.0.1:9099
FLASK := $(DEV_ENV) $(BIN)/flask --app wsgi
# `make demo DEMO_HOST=0.0.0.0` lets a phone on the same network open the demo (README: the field app).
DEMO_HOST ?= 127.0.0.1

.PHONY: demo test lint install browser translations messages check-python clean

# The web app, the coverage worker, the notification worker and the SLA check run together
# (Procfile, with honcho); Ctrl-C stops them all.
demo: install $(VENV)/.demo-installed
	$(FLASK) db upgrade
	$(FLASK) units import
	$(FLASK) content load
	$(FLASK) demo seed
	@echo "ToSo runs on http://127.0.0.1:5000 — field app: http://127.0.0.1:5000/app/ — API docs: http://127.0.0.1:5000/api/v1/docs"
	$(DEV_ENV) DEMO_HOST=$(DEMO_HOST) PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho start

$(VENV)/.demo-installed: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test,demo]'
	touch $@

test: install browser lint
	@echo "== on SQLite"
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest $(PYTEST_ARGS)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL ($$TEST_DATABASE_URL)"; \
		$(BIN)/python -m pytest $(PYTEST_ARGS); \
	fi

# Style, formatting and the layering contracts (all configured in pyproject.toml); `make test` runs it first.
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

install: $(VENV)/.installed translations

$(VENV)/.installed: setup.cfg | check-python
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The dashboard's browser tests drive Debian's Chromium (never a downloaded browser build).
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null; } || \
		echo "Chromium is missing: install Debian's chromium package for the dashboard's browser tests."

check-python:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (set PYTHON=/path/to/python3.12)"; exit 1; }

translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d server/translations

# After changing user-facing text: extract it, merge it into the catalogues, then translate the new entries.
messages: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k N_ -k _l --no-wrap --sort-by-file -o server/translations/messages.pot .
	$(BIN)/pybabel -q update -i server/translations/messages.pot -d server/translations --no-wrap --ignore-obsolete --no-fuzzy-matching

clean:
	rm -rf $(VENV) instance
