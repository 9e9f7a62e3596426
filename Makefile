# Newsdesk — the two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 2
STAMP  := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgres bench lint install serve clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/newsdesk migrate --no-input -v0
	$(BIN)/newsdesk collectstatic --no-input -v0
	$(BIN)/newsdesk demo --if-empty
	$(BIN)/newsdesk create_admin --if-missing
	@echo "Newsdesk: site http://$(HOST):$(PORT)/   newsroom http://$(HOST):$(PORT)/newsroom/   worker log: var/worker.log"
	@mkdir -p var
# One background worker (ingest polls, periodic and after-commit jobs) lives as long as the server.
	$(BIN)/newsdesk worker >var/worker.log 2>&1 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/granian --interface wsgi --host $(HOST) --port $(PORT) --workers $(WORKERS) \
		--blocking-threads 1 --no-ws newsdesk.wsgi:application

test: $(STAMP)
	$(BIN)/python -m tests.run_all

bench: $(STAMP)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[bench]'
	$(BIN)/python -m benchmarks

lint: $(STAMP)
	$(BIN)/ruff check newsdesk tests
	$(BIN)/ruff format --check newsdesk tests

clean:
	rm -rf $(VENV) var
