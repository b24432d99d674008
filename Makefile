# One-command setup: `make run` serves the app, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
CHROMIUM := /usr/bin/chromium
# The Nu HTML Checker (npm's vnu-jar), run on Java by e2e/test_html_validity.py.
VNU_VERSION := 26.9.27
VNU_JAR := var/tools/vnu-$(VNU_VERSION).jar
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install run serve test test-fast test-tools bench faults lint format messages clean

help:
	@echo "make run     install, migrate, create demo accounts, serve http://$(HOST):$(PORT) (DEBUG on) with the task worker"
	@echo "make test    install, make sure Chromium and Java are there, run every test (unit + e2e)"
	@echo "make test-fast  the same without the tests marked slow (CI runs everything)"
	@echo "make serve   production-like: DEBUG off, collectstatic, gunicorn + whitenoise, email worker"
	@echo "make bench   benchmark against a Django ceiling (needs wrk; add DATABASE_URL and REDIS_URL for PostgreSQL + Redis)"
	@echo "make faults  throughput with Redis frozen and under an upload flood, as ratios (needs wrk and redis-server; DATABASE_URL for PostgreSQL)"
	@echo "make lint    ruff check and format check"
	@echo "make messages  update locale/ after changing any text people read (needs gettext)"
	@echo "make clean   remove the virtualenv and var/ (database, media, mail)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || { \
		echo "EMS needs Python 3.12 or newer (.python-version selects 3.13); '$(PYTHON)' is $$($(PYTHON) --version 2>&1)." >&2; \
		echo "Install Python 3.13, or run: make PYTHON=/path/to/python3.13 ..." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

install: $(VENV)/.installed

# The database task queue and its worker, as in production, so reminders and email
# retries run at their time (TASKS_BACKEND=immediate sends at once and plans nothing).
run: install
	DJANGO_DEBUG=1 $(MANAGE) migrate --no-input
	DJANGO_DEBUG=1 $(MANAGE) seed_demo
	export DJANGO_DEBUG=1 TASKS_BACKEND="$${TASKS_BACKEND:-database}"; \
	if [ "$$TASKS_BACKEND" = database ]; then $(MANAGE) db_worker & trap "kill $$! 2>/dev/null" EXIT; fi && \
	$(MANAGE) runserver $(HOST):$(PORT)

var/secret_key:
	@mkdir -p var
	@$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

# Emails go through the database queue and a db_worker beside gunicorn, as in production.
serve: install var/secret_key
	export DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat var/secret_key)}" DJANGO_HTTPS="$${DJANGO_HTTPS:-0}" \
		DJANGO_SERVE_MEDIA="$${DJANGO_SERVE_MEDIA:-1}" TASKS_BACKEND="$${TASKS_BACKEND:-database}"; \
	$(MANAGE) migrate --no-input && \
	$(MANAGE) collectstatic --no-input -v0 && \
	if [ "$$TASKS_BACKEND" = database ]; then $(MANAGE) db_worker & trap "kill $$! 2>/dev/null" EXIT; fi && \
	$(BIN)/gunicorn --pythonpath site wsgi:application --bind $(HOST):$(PORT) --workers 2 --access-logfile -

# What the tests need from the system: Debian's Chromium and ffmpeg (Playwright can't
# download its browser or the ffmpeg it films failing tests with here), Java and npm
# for the HTML checker. As root they're installed; otherwise one line says what to install.
MISSING = $(strip $(if $(wildcard $(CHROMIUM)),,chromium) $(if $(shell command -v ffmpeg),,ffmpeg) \
	$(if $(shell command -v java),,default-jre-headless) $(if $(shell command -v npm),,npm))

test-tools:
	@if [ -n "$(MISSING)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "== installing $(MISSING)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(MISSING) >/dev/null; \
	  else echo "make test needs $(MISSING): run 'sudo apt-get install $(MISSING)'" >&2; exit 1; fi; \
	fi
	@$(MAKE) --no-print-directory $(VNU_JAR)

$(VNU_JAR):
	@mkdir -p var/tools && work=$$(mktemp -d) && \
	  (cd $$work && npm pack --silent vnu-jar@$(VNU_VERSION) >/dev/null && \
	   tar -xzf vnu-jar-$(VNU_VERSION).tgz package/build/dist/vnu.jar) && \
	  mv $$work/package/build/dist/vnu.jar $@ && rm -rf $$work

# One test worker per core, four at most (pytest-xdist); PYTEST_WORKERS=0 runs in one
# process, as a debugger wants.
PYTEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); echo $$(( n < 4 ? n : 4 )))
PYTEST := EMS_VNU_JAR=$(VNU_JAR) DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest \
	--numprocesses=$(PYTEST_WORKERS) --dist=loadgroup

test: install test-tools
	$(PYTEST) $(PYTEST_ARGS)

test-fast: install test-tools
	$(PYTEST) -m "not slow" $(PYTEST_ARGS)

bench: install
	@command -v wrk >/dev/null || { echo "make bench needs wrk: apt-get install wrk" >&2; exit 1; }
	$(BIN)/python -m bench.run $(BENCH_ARGS)

faults: install
	@command -v wrk >/dev/null || { echo "make faults needs wrk: apt-get install wrk" >&2; exit 1; }
	@command -v redis-server >/dev/null || { echo "make faults needs redis-server: apt-get install redis-server" >&2; exit 1; }
	$(BIN)/python -m bench.faults $(FAULTS_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The same options as tests/site/test_translations.py, which fails when this is due.
MESSAGES_OPTIONS := --locale de --no-obsolete --add-location file \
	--ignore "var/*" --ignore "tests/*" --ignore "e2e/*" --ignore "bench/*"

messages: install
	@command -v xgettext >/dev/null || { echo "make messages needs gettext: apt-get install gettext" >&2; exit 1; }
	DJANGO_DEBUG=1 $(MANAGE) makemessages $(MESSAGES_OPTIONS)
	DJANGO_DEBUG=1 $(MANAGE) compilemessages --locale de

clean:
	rm -rf $(VENV) var
