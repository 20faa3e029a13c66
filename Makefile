# converter: two commands on a fresh machine.
#   make demo   set up, then build examples/posts into output/ (PDF, EPUB, DOCX)
#   make test   set up (with the test tools), then run the whole test suite
#   make fuzz   build 10,000 generated, mutated and hostile posts in batches and check every outcome
# Both are idempotent: the second run only checks and goes straight to the job.

# The first Python >= 3.11 that actually runs (a pyenv shim may exist for a version that is not active).
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test fuzz setup setup-test system system-test clean

demo: setup
	$(BIN)/converter build examples/posts -o output --title "converter 示例文集 · Examples" -f pdf,epub,docx

test: setup-test
	$(BIN)/python -m pytest

FUZZ_POSTS ?= 10000
FUZZ_WORK  ?= .fuzz-work
fuzz: setup-test
	$(BIN)/python -m tests.fuzz.run --posts $(FUZZ_POSTS) --batch 250 --full-every 20 --work $(FUZZ_WORK)

setup: system $(VENV)/.installed
setup-test: system-test $(VENV)/.installed .tools/.installed-ace

system:
	@PYTHON=$(or $(PYTHON),python3) bash scripts/setup-system.sh runtime

system-test:
	@PYTHON=$(or $(PYTHON),python3) bash scripts/setup-system.sh test

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

# DAISY Ace, the EPUB accessibility checker (Node.js; see the script).
.tools/.installed-ace: scripts/setup-ace.sh
	bash scripts/setup-ace.sh

clean:
	rm -rf $(VENV) .tools .pytest_cache .hypothesis
	find output -mindepth 1 ! -name .gitkeep -delete
