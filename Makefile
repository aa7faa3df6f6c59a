# A newcomer needs two commands: `make serve` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
POSTGRES_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
# pytest-xdist workers for `make test`: one per CPU ("auto"); 0 runs in this process, one test at a time.
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(PYTEST_WORKERS)

.PHONY: serve test chromium lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements-test.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@ $(VENV)/.runtime-installed

## Set everything up, load the corpus into SQLite and serve on http://127.0.0.1:8000/, with the
## task worker beside gunicorn (background work: comparisons, imports, large exports); Ctrl-C stops both
serve: $(VENV)/.runtime-installed
	$(BIN)/python manage.py setup_site
	$(BIN)/python manage.py run_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/gunicorn newsroom.wsgi --config newsroom/gunicorn.conf.py

## Debian's Chromium for the browser tests (Playwright never downloads a browser here)
chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; } \
		|| echo "Could not install chromium: the browser tests will not run."

## Style (ruff) and security (bandit: nothing of medium severity or above, see pyproject.toml)
lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# bandit logs a false warning for most "# nosec" (PyCQA/bandit#942): its log shows only if it fails.
	$(BIN)/bandit --configfile pyproject.toml --recursive . --severity-level medium --quiet \
		2>$(VENV)/bandit.log || { cat $(VENV)/bandit.log; exit 1; }

## The whole suite on SQLite, then again on PostgreSQL when it answers on 127.0.0.1:5432
test: $(VENV)/.test-installed chromium lint
	DATABASE_URL= $(PYTEST)
	@if $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
		echo "PostgreSQL answers on 127.0.0.1:5432: running the suite on it too"; \
		DATABASE_URL=$(POSTGRES_TEST_URL) $(PYTEST) --database-tests-only; \
	else \
		echo "PostgreSQL does not answer on 127.0.0.1:5432: ran on SQLite only"; \
	fi
