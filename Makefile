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

# The PostgreSQL pass runs beside the main one (each takes about one of the two cores); its
# report is printed after, and either failing fails the target. The tests of PostgreSQL
# itself (its store, its command line, real bot processes sharing it) run in that pass only.
PG_ONLY := tests/multiprocess tests/cli/test_postgres_cli.py tests/storage/test_postgres.py \
	tests/storage/test_postgres_schema.py
test: lint
	@$(PY) -m tests.run_on_postgresql -p no:cacheprovider > .postgresql-pass.log 2>&1 & pass=$$!; \
	$(PY) -m pytest -q $(addprefix --ignore=,$(PG_ONLY)); main=$$?; \
	wait $$pass; postgresql=$$?; \
	echo "--- PostgreSQL pass ---"; cat .postgresql-pass.log; rm -f .postgresql-pass.log; \
	test $$main -eq 0 && test $$postgresql -eq 0

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
