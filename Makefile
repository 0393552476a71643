# newsmark: `make run` opens the TUI on the bundled seeds, `make test` runs every test (it needs nothing
# beside the repository), `make quality` runs the quality guards on the development sets in ../shared.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test quality lint bench clean compile

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Python writes no bytecode where PYTHONDONTWRITEBYTECODE is set: compile ours (only what changed).
compile: $(STAMP)
	@$(BIN)/python -m compileall -q newsmark storage tui

run: $(STAMP) compile
	$(BIN)/newsmark ingest --if-empty seeds/
	$(BIN)/newsmark tui

test: $(STAMP) compile
	@command -v tmux >/dev/null || (apt-get update -qq && apt-get install -y -qq tmux) || echo "tmux missing: the tmux test will fail"
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

# The extraction F1 floors, on the development sets in ../shared (not in the repository).
SHARED := ../shared
quality: $(STAMP)
	@test -d $(SHARED)/bench || { echo "make quality needs $(SHARED)/bench (the development sets) beside the repository"; exit 1; }
	$(BIN)/python -m pytest -q quality

# Every benchmark prints measured ratios; none is a timed test. BENCH=name runs one.
# extraction and dump_cleaner read ../shared/bench.
BENCH ?= extraction dump_cleaner fetch memory library startup keystrokes events export spacy_export concurrency agreement suggest
bench: $(STAMP)
	@for b in $(BENCH); do echo "== bench/$$b.py"; $(BIN)/python bench/$$b.py || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
