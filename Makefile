# EventHub: `make run` serves the demo event; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Exact versions of everything `make` installs; `make lock` refreshes it from pyproject.toml.
LOCK := requirements.lock
EXTRAS := test,eventlet,postgres,redis
DEMO := examples/ga-annual-meeting-2020.toml
export FLASK_APP := eventhub
comma := ,

.PHONY: run run-cluster test lint lock translations translations-update install clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/pip install --quiet -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e '.[$(EXTRAS)]'
	@$(BIN)/pip check >/dev/null || { $(BIN)/pip check; echo "$(LOCK) does not match pyproject.toml: run make lock"; exit 1; }
	@touch $@

# Resolve pyproject.toml's ranges (with every extra make installs) to exact versions, for any
# platform, on the Python the Makefile uses.
lock: | $(BIN)/python
	$(BIN)/pip install --quiet 'uv>=0.5'
	$(BIN)/uv pip compile pyproject.toml $(foreach e,$(subst $(comma), ,$(EXTRAS)),--extra $(e)) \
	  --universal --python-version 3.11 --quiet --output-file $(LOCK)

install: $(STAMP)

translations: $(STAMP)
	@if ls translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then $(BIN)/pybabel compile -d translations --statistics; fi

translations-update: $(STAMP)
	$(BIN)/pybabel extract -w 100 -F babel.cfg -k _l -k lazy_gettext -c Translators: -o translations/messages.pot --no-location --sort-output --project EventHub .
	@for lang in fr ar es ru; do \
	  if [ -f translations/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel update -w 100 -i translations/messages.pot -d translations -l $$lang --no-fuzzy-matching --ignore-obsolete; \
	  else $(BIN)/pybabel init -i translations/messages.pot -d translations -l $$lang; fi; \
	done

run: install translations
	$(BIN)/flask --app eventhub db upgrade
	$(BIN)/flask --app eventhub demo-setup $(DEMO)
	$(BIN)/python scripts/run.py

# PostgreSQL, Redis, nginx, two web workers and a jobs consumer on this machine (docs/deploy.md).
run-cluster: install translations
	bash scripts/cluster-packages.sh
	$(BIN)/python scripts/cluster.py

test: install translations
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -p no:cacheprovider $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) instance
