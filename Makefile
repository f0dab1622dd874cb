# Innoverkko's developer and CI commands. Everything runs through .venv/bin/* explicitly: no activation needed.
# `make` alone lists the targets.

.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV := .venv
PY := $(VENV)/bin/python
# The venv is (re)installed only when a requirements file is newer than this stamp.
STAMP := $(VENV)/.installed-requirements
BOOT_PYTHON := $(shell command -v python3.11 || command -v python3)
POSTGRES_URL := postgres://postgres@127.0.0.1:5432/test
# Where `make demo` serves the site: links in its e-mails and the demo identification provider point here.
DEMO_URL := http://127.0.0.1:8000
CHROMIUM := /usr/bin/chromium
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-k helsinki -x"`.
PYTEST_ARGS ?=
# The suite runs in pytest-xdist worker processes, each with its own test database (test_test_gw0, …).
# PYTEST_WORKERS=0 runs it in one process (no xdist), e.g. to debug; `auto` uses every core.
PYTEST_WORKERS ?= 2
# `--dist load` (not worksteal): each worker gets its tests in collection order, so pytest-django's transactional
# tests, sorted last, still run after every other test on that worker; a test stolen back after them would find
# the tables flushed. `--maxschedchunk 4`: a worker is sent at most 4 tests at a time, so that near the end no
# worker holds a queue behind a long test while the other has nothing left (xdist's default chunks left one
# worker ~140 s idle; docs/benchmarks.md). The 25 slowest tests are listed at the end, so that a test that became
# slow shows up.
PYTEST_PARALLEL = -n $(PYTEST_WORKERS) --dist load --maxschedchunk 4 --durations=25

.PHONY: help venv messages migrate demo test test-postgres lint typecheck check bench clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

venv: $(STAMP) ## Create .venv (Python 3.11) and install requirements/test.txt when they changed

$(STAMP): requirements/base.txt requirements/test.txt
	@test -x $(PY) || $(BOOT_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check --quiet -r requirements/test.txt
	@touch $@

messages: venv ## Compile the translations (.po -> .mo), if there are any
	@if find . -path ./$(VENV) -prune -o -type d -name locale -print | grep -q .; then \
		$(PY) manage.py compilemessages --ignore=$(VENV) --verbosity=0; \
	else \
		echo "No locale/ folder yet: nothing to compile."; \
	fi

migrate: venv ## Apply the database migrations (SQLite db.sqlite3 unless DATABASE_URL says otherwise)
	$(PY) manage.py migrate

# The demo is a development site: DEBUG on for every step, its prerequisites too (with DEBUG off, nothing starts
# with the development SECRET_KEY: config/security.py).
demo: export DEBUG = true
demo: venv messages migrate ## Load reference and demo data, then run the site at http://127.0.0.1:8000/
	$(PY) manage.py load_reference_data
	@# load_demo_data is written separately: skip it cleanly while it does not exist.
	@if $(PY) manage.py help load_demo_data >/dev/null 2>&1; then \
		SITE_URL=$(DEMO_URL) $(PY) manage.py load_demo_data; \
	else \
		echo "load_demo_data command not available yet: demo data skipped."; \
	fi
	@echo
	@echo "Innoverkko runs at http://127.0.0.1:8000/ (the demo log-ins are printed above). Stop with Ctrl-C."
	DEBUG=true SITE_URL=$(DEMO_URL) $(PY) manage.py runserver 127.0.0.1:8000

# The test command shared by `test` and `test-postgres`: browser tests need Debian's Chromium; without it they
# are deselected, and said so plainly.
# The suite writes bytecode even where the environment says PYTHONDONTWRITEBYTECODE: without the cache every
# worker and every process a test starts compiles the project again, and pytest rewrites each test module's
# asserts anew (collection 27 s → 14 s a worker once cached).
PYTEST = env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest
RUN_PYTEST = if [ -x $(CHROMIUM) ]; then \
		$(PYTEST) $(PYTEST_PARALLEL) $(PYTEST_ARGS); \
	else \
		echo "Chromium not found at $(CHROMIUM): browser tests SKIPPED"; \
		$(PYTEST) -m "not browser" $(PYTEST_PARALLEL) $(PYTEST_ARGS); \
	fi

test: venv messages ## Run the tests on SQLite
	@$(RUN_PYTEST)

test-postgres: venv messages ## Run the tests on the local PostgreSQL (test databases test_test_gw0, test_test_gw1, …)
	@pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not accepting connections on 127.0.0.1:5432." \
		"Start it: pg_ctlcluster --skip-systemctl-redirect \$$(ls /etc/postgresql) main start"; exit 1; }
	@export DATABASE_URL=$(POSTGRES_URL); $(RUN_PYTEST)

lint: venv ## ruff check, ruff format --check and the apps' layers (import-linter's contract in pyproject.toml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo

typecheck: venv ## mypy with the django-stubs plugin
	$(VENV)/bin/mypy .

# The checks run as production would (DEBUG off), with a throw-away key: the development key is refused there.
check: export SECRET_KEY ?= $(shell $(BOOT_PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')
check: venv ## Django's system checks and no missing migrations
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# BENCH_ARGS go to the registry benchmark, e.g. `make bench BENCH_ARGS="--scale small --db postgres"`.
BENCH_ARGS ?=

bench: venv messages ## Run the benchmarks: the registry at scale, Finnish search quality, the barometer's analysis and answer autosave, ideas under load, duplicate suggestions, zip bombs, rate-limit counters, disclosure control, diffusion (Bass fits of SPID, the network, what to adopt next)
	$(PY) -m bench $(BENCH_ARGS)
	$(PY) -m bench.barometer_analysis
	$(PY) -m bench.barometer_autosave
	$(PY) -m bench.ideas_load
	$(PY) -m bench.ideas_duplicates
	$(PY) -m bench.diffusion_network
	$(PY) -m bench.diffusion_fits
	$(PY) -m bench.diffusion_walker
	$(PY) -m bench.diffusion_recommend
	$(PY) -m bench.zip_bombs
	$(PY) -m bench.rate_limits
	$(PY) -m bench.disclosure
	$(PY) -m bench.search_quality

clean: ## Remove caches and compiled files (keeps .venv and db.sqlite3)
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache staticfiles
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
	find . -path ./$(VENV) -prune -o -type f -name '*.mo' -exec rm -f {} +
