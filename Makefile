# Two commands a fresh machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
SEED   := seeds/000_b9882e595d678b98.txt

.PHONY: setup demo test test-slow browser scores bench eval fuzz clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(VENV)/bin/cleanup fix $(SEED) --diff --color always
	$(VENV)/bin/cleanup explain $(SEED)
	$(VENV)/bin/cleanup eval seeds/

# Spread over the machine's cores (pytest-xdist; `-n 0` runs in one process).
test: setup
	$(PY) -m pytest -n auto

# The long guarantee tests (kill tests, 10 MB line, wheel with dependencies) and the review
# page in a real browser: CI runs them too.
test-slow: setup browser
	$(PY) -m pytest -m "slow and not fuzz" -p no:cacheprovider

# Headless Chromium for the review page test (Debian's package; playwright drives it).
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

# Re-record the locked scores of the annotated sets (tests/scores.json) after an intended change.
scores: setup
	$(PY) tests/record_scores.py

# Every score (eval exits 1 on false edits or wrong fixes: shown, not fatal here).
eval: setup
	-$(VENV)/bin/cleanup eval seeds/
	-$(VENV)/bin/cleanup eval tests/corpus/
	-$(VENV)/bin/cleanup eval tests/heldout/

bench: setup
	$(PY) bench/bench_detect.py
	$(PY) bench/bench_translate.py
	$(PY) bench/bench_glossary.py
	$(PY) bench/bench_batch.py --json bench/results-batch.json

fuzz: setup
	$(PY) -m pytest -m fuzz tests/test_fuzz.py tests/test_jsonl.py -p no:cacheprovider

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
