# newsmark: `make run` opens the TUI on the bundled seeds, `make test` runs everything.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/newsmark ingest --if-empty seeds/
	$(BIN)/newsmark tui

test: $(STAMP)
	@command -v tmux >/dev/null || (apt-get update -qq && apt-get install -y -qq tmux) || echo "tmux missing: the tmux test will fail"
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

# Every benchmark prints measured ratios; none is a timed test. BENCH=name runs one.
BENCH ?= extraction dump_cleaner fetch memory library startup keystrokes events export concurrency
bench: $(STAMP)
	@for b in $(BENCH); do echo "== bench/$$b.py"; $(BIN)/python bench/$$b.py || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
