# Newsdesk — the two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 2
THREADS ?= 4
STAMP  := $(VENV)/.installed

.PHONY: run test bench lint install clean

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
# The site (granian) and the background worker as one service: either is restarted if it dies, Ctrl-C stops both
# (README "What `make run` starts"). tests/stack runs this same line.
	exec $(BIN)/newsdesk serve --host $(HOST) --port $(PORT) --workers $(WORKERS) --threads $(THREADS)

test: $(STAMP)
	$(BIN)/python -m tests.run_all

bench: $(STAMP)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[bench]'
	$(BIN)/python -m benchmarks

lint: $(STAMP)
	$(BIN)/ruff check newsdesk tests
	$(BIN)/ruff format --check newsdesk tests
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/djlint newsdesk/*/templates --lint --profile=django
	$(BIN)/djlint newsdesk/*/jinja2 --lint --profile=jinja
# Every marked interface string translated, the catalogues up to date with the templates, the .mo compiled
# (docs/editions.md, "Translating the interface"; `newsdesk translations update` fixes the last two).
	$(BIN)/newsdesk translations check

clean:
	rm -rf $(VENV) var
