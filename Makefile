# The two commands a new user runs: `make demo` and `make test`. Each sets up .venv on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.citycheck-installed

.PHONY: demo test lint bench i18n clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

demo: $(STAMP)  ## the main job: the assessment on this machine
	@$(BIN)/citycheck demo

test: $(STAMP)  ## lint, type-check, then the whole test suite (SQLite and, where initdb exists, PostgreSQL)
	@$(BIN)/python -m tests.run

lint: $(STAMP)
	@$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

bench: $(STAMP)  ## speed and scale against bare Bolt (about 5-7 min): bench/results/latest.json and a table
	@$(BIN)/citycheck bench

i18n: $(STAMP)  ## re-extract the bot's messages into bot/locale and merge them into the es and pt catalogs
	@$(BIN)/pybabel -q extract -F babel.cfg -k N_ -c TRANSLATORS: --add-location=file \
		--project=citycheck --version=0.1 --copyright-holder="citycheck contributors" -o bot/locale/citycheck.pot .
	@$(BIN)/pybabel -q update -i bot/locale/citycheck.pot -d bot/locale -D citycheck --ignore-obsolete
	@echo "bot/locale: catalogs updated; translate the empty and fuzzy entries of each citycheck.po"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
