# Two entry points for a fresh machine with Python 3.11+:
#   make demo   set up, load the demo plan, print an admin login, serve on http://127.0.0.1:8000
#   make test   run the test layers (unit; browser when Chromium is installed, always under CI)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: demo test unit browser lint install install-dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'

demo: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py demo_login
	@echo "Open http://$(HOST):$(PORT)/admin/ and sign in with the login above."
	$(BIN)/python manage.py runserver --insecure $(HOST):$(PORT)

test: install-dev lint unit browser

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

unit:
	$(BIN)/pytest -n auto

browser:
	@if [ -x /usr/bin/chromium ]; then \
		$(BIN)/pytest -m browser -p no:xdist; \
	elif [ -n "$$CI" ]; then \
		echo "Chromium is required under CI: apt-get install chromium"; exit 1; \
	else \
		echo "Skipping the browser layer: /usr/bin/chromium is not installed (apt-get install chromium)."; \
	fi
