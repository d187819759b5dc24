# Resource Centre: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
# Tests and checks use the test settings; `make run` serves with DEBUG on.
TEST_ENV := DJANGO_SETTINGS_MODULE=resource_centre.test_settings
RUN_ENV := DEBUG=true

.PHONY: install run test test-postgres lint messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv==0.13.9

# Installs exactly what uv.lock pins (every transitive dependency). --locked fails loudly
# when uv.lock no longer matches pyproject.toml: run `$(BIN)/uv lock` and commit both.
# --inexact keeps uv itself (and pip) in the venv.
$(STAMP): pyproject.toml uv.lock | $(BIN)/python
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync -q --locked --inexact --group test
	touch $(STAMP)

install: $(STAMP)

messages: install
	$(TEST_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv -v 0

run: messages
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py load_demo
	$(RUN_ENV) $(BIN)/python manage.py ensure_local_admin
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: messages
	$(TEST_ENV) $(BIN)/python manage.py check
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	$(BIN)/python bench/run.py
	$(BIN)/python bench/export_bench.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
