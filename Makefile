# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= $(shell scripts/find-python)
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup install lint messages bench clean chromium cluster cluster-packages

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -n "$(PYTHON)" || (echo "Python 3.12+ is required" && exit 1)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

## setup: install, migrate, collect static files, load help content, demo accounts and the figure screenshots
setup: install chromium
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py load_help_content
	$(PY) manage.py create_demo_clients
	$(PY) manage.py capture_article_figures --only-if-drawn
	$(PY) manage.py documents_clean_staging --older-than 60

## run: serve the portal on http://$(HOST):$(PORT) with SQLite: nginx (buffers request bodies, serves
## /static/) in front of one gunicorn node (2 sync workers, 127.0.0.1:8001), plus one probe per port
## (4000, 4001). The same scripts/cluster.py and nginx template as `make cluster`. Ctrl-C stops all.
run: setup cluster-packages
	CLUSTER_HOST=$(HOST) CLUSTER_PORT=$(PORT) $(PY) scripts/cluster.py --embedded --skip-setup

## chromium: Debian's Chromium for the browser tests (never a downloaded browser) and its German
## controls for the German figures (chromium-l10n), fonts for the
## drawn figures, poppler-utils to read printed PDFs in tests, gettext for `make messages`
DEBIAN_PACKAGES := chromium chromium-l10n fonts-dejavu-core poppler-utils gettext
chromium:
	@missing=""; for pkg in $(DEBIAN_PACKAGES); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

## cluster: the grown-up set-up on one machine: nginx on http://127.0.0.1:8000 balancing two gunicorn
## nodes on PostgreSQL + Redis + an S3 server, plus the probes (scripts/cluster.py; README "Cluster").
## Needs PostgreSQL and Redis running (DATABASE_URL, REDIS_URL). Ctrl-C stops everything.
cluster: install chromium cluster-packages
	$(PY) scripts/cluster.py

## cluster-packages: Debian's nginx for `make cluster` (run in the foreground with its own config)
CLUSTER_PACKAGES := nginx
cluster-packages:
	@missing=""; for pkg in $(CLUSTER_PACKAGES); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

## test: the whole suite, browser tests included (SQLite unless DATABASE_URL is set); nginx for the slow-client test
test: install chromium cluster-packages
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

## lint: the linter, the formatter's check and the type checker (mypy with django-stubs)
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

## messages: refresh and compile translations (needs Debian's gettext)
messages: install
	$(PY) manage.py makemessages -l de --no-obsolete --add-location file
	$(PY) manage.py compilemessages

## bench: every benchmark under bench/ (prints figures; not part of the tests)
bench: install
	@command -v wrk >/dev/null || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk)
	@for script in $$(grep -l '__name__ == "__main__"' bench/*.py); do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 media private-media
