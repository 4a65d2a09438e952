# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# Offline model and deterministic, quiet libraries.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: demo test lint install bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,export]'
	$(PY) -m bot kb export-model
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(PY) -m bot demo

lint: $(STAMP)
	$(VENV)/bin/ruff format --check bot tests bench
	$(VENV)/bin/ruff check bot tests bench
	$(VENV)/bin/mypy bot

test: lint
	$(PY) -m pytest -q
	$(PY) -m tests.run_on_postgresql

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
