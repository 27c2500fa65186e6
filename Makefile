# make run: set up a fresh machine and serve the portal with demo data; make test: the whole suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi

.PHONY: run setup test test-sqlite test-postgres bench lint translations clean

$(BIN)/activate: requirements.txt requirements-dev.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(BIN)/activate

# The development configuration: the example (production's) with a fresh SECRET_KEY and its "# dev: " lines switched on.
instance/config.py:
	mkdir -p instance
	sed -e "s/change-me/$$($(PY) -c 'import secrets; print(secrets.token_hex(32))')/" -e 's/^# dev: //' \
		instance/config.example.py > $@

setup: $(BIN)/activate instance/config.py
	$(BIN)/pybabel -q compile -d translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo

run: setup
	@echo "Portal: http://127.0.0.1:5000  (demo accounts are listed in README.md and on the login page)"
	$(FLASK) run --host 127.0.0.1 --port 5000

test: $(BIN)/activate
	$(BIN)/pybabel -q compile -d translations
	$(MAKE) test-sqlite
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(MAKE) test-postgres; else echo "TEST_DATABASE_URL not set: PostgreSQL pass skipped (CI always sets it)"; fi

test-sqlite:
	mkdir -p build
	env -u TEST_DATABASE_URL $(BIN)/pytest -q --junitxml=build/junit-sqlite.xml

test-postgres:
	mkdir -p build
	$(BIN)/pytest -q --junitxml=build/junit-postgres.xml

bench: $(BIN)/activate
	$(BIN)/pybabel -q compile -d translations
	$(BIN)/python -m bench.applications 1000 10000
	$(BIN)/python -m bench.review 100 300 1000
	$(BIN)/python -m bench.projects 100 1000 2000
	$(BIN)/python -m bench.notifications 100 2000
	$(BIN)/python -m bench.logins 10 10000

lint: $(BIN)/activate
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

translations: $(BIN)/activate
	$(BIN)/pybabel -q extract --ignore-dirs='.* __pycache__ instance build' -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot .
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching
	$(BIN)/pybabel -q compile -d translations

clean:
	rm -rf $(VENV) build instance/app.db*
