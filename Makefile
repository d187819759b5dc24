# Resource Centre: `make run` serves the demo site (and runs a background-job consumer beside
# it: Ctrl-C stops both), `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
# Tests and checks use the test settings; `make run` serves with DEBUG on.
TEST_ENV := DJANGO_SETTINGS_MODULE=resource_centre.test_settings
RUN_ENV := DEBUG=true
PG_URL ?= postgres://postgres@127.0.0.1:5432/resource_centre
ARTICLES ?= 100000

.PHONY: install run test test-postgres lint messages bench soak lighthouse clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv==0.13.9

# Installs exactly what uv.lock pins (every transitive dependency). --locked fails loudly
# when uv.lock no longer matches pyproject.toml: run `$(BIN)/uv lock` and commit both.
# --inexact keeps uv itself (and pip) in the venv.
$(STAMP): pyproject.toml uv.lock | $(BIN)/python
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync -q --locked --inexact --group test
	touch $(STAMP)

# The Nu Html Checker (npm package vnu-jar: vnu.jar, run on the machine's Java) for the suite's
# HTML-validity test, and Lighthouse for `make lighthouse` (on Debian's chromium). Reinstalled
# whenever package-lock.json changes. --ignore-scripts: vnu-jar's postinstall would fetch a
# Java runtime we don't use (Lighthouse has no install scripts and downloads no browser).
# package-lock.json keeps each package's "resolved" URL: without it `npm ci` rejects the lock
# (@paulirish/trace_engine, under Lighthouse, asks for dist-tag "latest" versions). Where npm
# is configured with omit-lockfile-registry-resolved, update the lock with
# `npm install --omit-lockfile-registry-resolved=false ...`.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)

messages: install
	$(TEST_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv -v 0

run: messages
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py load_demo
	$(RUN_ENV) $(BIN)/python manage.py ensure_local_admin
	$(RUN_ENV) $(BIN)/python manage.py serve_with_jobs 127.0.0.1:$(PORT)

# Two workers, tests handed out one by one (--dist load), so that pytest-django's order holds
# on each worker (transactional tests, which empty the tables, last). Not --dist loadfile:
# a module's transactional tests then flush the database between other modules' tests.
# Not --dist loadgroup: pytest-xdist 3.8 writes a group into a test's id where pytest 9 no
# longer reads it, so it is --dist load anyway; what must run once at a time takes a lock.
test: messages lint
	$(TEST_ENV) $(BIN)/python manage.py check
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -n 2 --dist load -q

# The same suite on PostgreSQL (the role needs CREATEDB: pytest-django makes test_<name>).
test-postgres:
	DATABASE_URL=$(PG_URL) $(MAKE) test

# Every template git knows of, tracked or new (not ignored), that exists on disk.
TEMPLATES_HTML = $(wildcard $(shell git ls-files --cached --others --exclude-standard -- '*.html'))

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/djhtml --check $(TEMPLATES_HTML)

bench: install
	ARTICLES=$(ARTICLES) $(BIN)/python -m bench.run
	$(BIN)/python -m bench.export_bench

# The soak test (bench/soak.py): gunicorn on a throwaway database on PG_URL's server, under
# load while items are published and edited, then PostgreSQL cut off for 10 s by a TCP proxy.
soak: install
	DATABASE_URL=$(PG_URL) $(BIN)/python -m bench.soak

# Lighthouse (bench/lighthouse.py) on the demo's topic page, English and Arabic, desktop and
# mobile: gunicorn with the production settings behind a front server for /media/.
lighthouse: install
	$(BIN)/python -m bench.lighthouse

clean:
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles
