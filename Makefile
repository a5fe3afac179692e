# Two entry points for a fresh machine with Python 3.11+:
#   make demo   set up, load the demo plan, print an admin login, then run the web server on
#               http://127.0.0.1:8000, a Celery worker with beat and demo traffic until Ctrl-C
#   make test   run the test layers (unit and slow; integration when redis-server is installed and browser
#               when Chromium is, both always under CI)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Every dependency, runtime and development, is pinned with hashes in uv.lock (one lock for
# every platform and Python 3.11+); pyproject.toml keeps the ranges. uv itself is pinned here.
UV_VERSION := 0.13.10
UV         := $(BIN)/uv
# The virtualenv make creates is the one uv syncs into (uv and pip stay in it).
export UV_PROJECT_ENVIRONMENT := $(VENV)
# The platform's certificate store, as pip uses: a proxy's own authority is trusted there.
export UV_SYSTEM_CERTS := 1

.PHONY: demo test unit slow integration browser lint install install-dev lock-upgrade

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# The runtime packages of uv.lock, exactly; --locked refuses a lock that no longer matches
# pyproject.toml instead of quietly resolving anew.
install: $(UV)
	$(UV) sync --quiet --locked --no-dev --inexact

install-dev: $(UV)
	$(UV) sync --quiet --locked --extra dev --inexact

# The one command that moves the lock to the newest releases pyproject.toml allows.
lock-upgrade: $(UV)
	$(UV) lock --upgrade

demo: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py demo_login
	@echo "Open http://$(HOST):$(PORT)/admin/ and sign in with the login above; Ctrl-C stops it all."
	$(BIN)/python manage.py run_demo --host $(HOST) --port $(PORT)

test: install-dev lint unit slow integration browser

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

unit:
	$(BIN)/pytest -n auto

# The exhaustive tables and corpora plain pytest leaves out (marker `slow`).
slow:
	$(BIN)/pytest -n auto -m slow

# Integration tests start their own redis-server and Celery workers. pytest exits with 5 when no
# test carries the marker, which is not a failure.
integration:
	@if [ -x /usr/bin/redis-server ]; then \
		$(BIN)/pytest -m integration -p no:xdist; status=$$?; \
		if [ $$status -eq 5 ]; then echo "No integration tests collected."; exit 0; fi; \
		exit $$status; \
	elif [ -n "$$CI" ]; then \
		echo "redis-server is required under CI: apt-get install redis-server"; exit 1; \
	else \
		echo "Skipping the integration layer: /usr/bin/redis-server is not installed (apt-get install redis-server)."; \
	fi

browser:
	@if [ -x /usr/bin/chromium ]; then \
		$(BIN)/pytest -m browser -p no:xdist; \
	elif [ -n "$$CI" ]; then \
		echo "Chromium is required under CI: apt-get install chromium"; exit 1; \
	else \
		echo "Skipping the browser layer: /usr/bin/chromium is not installed (apt-get install chromium)."; \
	fi
