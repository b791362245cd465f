# Groupwork developer tasks. Run `make help` for the list.
#
#   make run        migrate, load demo data (prints demo logins), serve on 127.0.0.1:8000
#   make test       lint + typecheck + full pytest run (browser tests included)
#
# DATABASE_URL in the environment selects PostgreSQL, e.g.
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test make test
# without it the project uses SQLite.
#
# uv is only needed to re-lock dependencies (`make lock`): `pip install uv`.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM := /usr/bin/chromium
# The system libraries WeasyPrint (PDF letters) loads at run time.
WEASYPRINT_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-k referral -x"`.
PYTEST_ARGS ?=

.PHONY: help venv node chromium weasyprint-libs run lint typecheck test lock backup restore

help:
	@echo "make venv       create .venv and install requirements.lock (hash-checked)"
	@echo "make node       npm ci (govuk-frontend) into node_modules/"
	@echo "make chromium   apt-get install chromium if $(CHROMIUM) is missing"
	@echo "make weasyprint-libs  apt-get install the PDF libraries WeasyPrint needs, if missing"
	@echo "make run        migrate, load demo data, runserver 127.0.0.1:8000"
	@echo "make lint       ruff check + ruff format --check"
	@echo "make typecheck  mypy (strict, django-stubs)"
	@echo "make test       lint, typecheck, then pytest -n auto (browser tests and schemathesis included)"
	@echo "make lock       re-lock requirements.lock and requirements-runtime.lock with uv (pip install uv)"
	@echo "make backup     pg_dump DATABASE_URL (PostgreSQL) to BACKUP (default backups/groupwork-DATE.dump)"
	@echo "make restore    pg_restore BACKUP into DATABASE_URL, replacing what is there"

venv: $(VENV)/.installed

$(VENV)/.installed: requirements-pip.lock requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --require-hashes -r requirements-pip.lock
	$(BIN)/python -m pip install --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

node: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

chromium:
	@if [ -x $(CHROMIUM) ]; then \
		echo "chromium: $(CHROMIUM) present"; \
	else \
		if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
		$$sudo apt-get update && \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	fi

weasyprint-libs:
	@missing=""; \
	for pkg in $(WEASYPRINT_DEBS); do \
		status="$$(dpkg -s $$pkg 2>/dev/null || true)"; \
		case "$$status" in \
			*"Status: install ok installed"*) ;; \
			*) missing="$$missing $$pkg" ;; \
		esac; \
	done; \
	if [ -z "$$missing" ]; then \
		echo "weasyprint-libs: $(WEASYPRINT_DEBS) present"; \
	else \
		if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
		$$sudo apt-get update && \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi

run: venv node_modules/.installed weasyprint-libs
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy .

# Prerequisites run left to right, so lint and typecheck fail fast before pytest.
test: venv node_modules/.installed chromium weasyprint-libs lint typecheck
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

lock:
	@command -v uv >/dev/null || { echo "uv is needed only for re-locking: pip install uv" >&2; exit 1; }
	uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock
	uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -c requirements.lock -o requirements-runtime.lock

BACKUP ?= backups/groupwork-$(shell date +%Y%m%d-%H%M%S).dump

backup:
	@test -n "$(DATABASE_URL)" || { echo "Set DATABASE_URL to the PostgreSQL database to back up" >&2; exit 1; }
	@mkdir -p "$(dir $(BACKUP))"
	pg_dump --format=custom --no-owner --file="$(BACKUP)" "$(DATABASE_URL)"
	@echo "Backed up to $(BACKUP)"

restore:
	@test -n "$(DATABASE_URL)" || { echo "Set DATABASE_URL to the PostgreSQL database to restore into" >&2; exit 1; }
	@test -f "$(BACKUP)" || { echo "Set BACKUP to a file made by make backup" >&2; exit 1; }
	pg_restore --clean --if-exists --no-owner --exit-on-error --dbname="$(DATABASE_URL)" "$(BACKUP)"
	@echo "Restored $(BACKUP)"
