# The two commands of the README: `make run` and `make test`.
# Both install exactly the versions in the lock files (with their hashes), never newer ones;
# `make lock` and `make upgrade` are the deliberate ways to move them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
TEST_LOCK := requirements-test.lock
# Exactly the lock: hashes checked, nothing resolved again, nothing beyond the list.
# (-qq: pip's warnings, such as a configured package folder that a machine lacks, are not
# shown; its errors are, and a wrong hash stops the install.)
PIP_LOCKED := $(BIN)/python -m pip install -qq --require-hashes --no-deps
# The project itself, built with the locked setuptools instead of a freshly downloaded one.
PIP_PROJECT := $(BIN)/python -m pip install -qq --no-deps --no-build-isolation -e .

.PHONY: run test lint lock upgrade check-lock bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

check-lock:
	@$(PYTHON) scripts/lock.py check

$(VENV)/.installed: pyproject.toml $(LOCK) | $(BIN)/python
	@$(PYTHON) scripts/lock.py check
	$(PIP_LOCKED) -r $(LOCK)
	$(PIP_PROJECT)
	touch $@

$(VENV)/.installed-test: pyproject.toml $(LOCK) $(TEST_LOCK) | $(BIN)/python
	@$(PYTHON) scripts/lock.py check
	$(PIP_LOCKED) -r $(TEST_LOCK)
	$(PIP_PROJECT)
	touch $@ $(VENV)/.installed

## Start the assistant: Telegram when TELEGRAM_BOT_TOKEN is set, else the terminal chat.
run: $(VENV)/.installed
	$(BIN)/redovisa start

## Run the whole test suite (and the linters).
test: $(VENV)/.installed-test
	$(BIN)/ruff check bot storage tests bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -q

## Re-resolve the locks after a change to pyproject.toml's dependencies (other pins kept).
lock: $(VENV)/.installed-test
	$(BIN)/python scripts/lock.py refresh
	rm -f $(VENV)/.installed $(VENV)/.installed-test

## Move every dependency to the newest version pyproject.toml allows, then run the suite on
## them; commit the two lock files on their own when it passes.
upgrade: $(VENV)/.installed-test
	$(BIN)/python scripts/lock.py refresh --upgrade
	rm -f $(VENV)/.installed $(VENV)/.installed-test
	$(MAKE) test

bench: $(VENV)/.installed-test
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
