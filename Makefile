# Two commands for a new user: `make demo` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test lint typecheck bench clean i18n i18n-compile

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Interface languages: Chinese is the source; English is translated in messages.po.
# `make i18n` extracts the strings, merges them into the catalog and compiles it (commit both
# the .po and the .mo); `make i18n-compile` only compiles.
TRANSLATIONS := scf/platform/translations

i18n: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project scf --copyright-holder scf -o $(TRANSLATIONS)/messages.pot scf/platform
	$(BIN)/pybabel update --no-fuzzy-matching -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS)

i18n-compile: install
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS)

demo: install
	$(BIN)/scf demo

lint: install
	$(BIN)/ruff check scf tests seed bench
	$(BIN)/ruff format --check scf tests seed bench
	$(BIN)/mypy scf/credit scf/graph
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .mypy_cache
