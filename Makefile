# make run: set up a fresh machine and serve the portal with demo data; make test: the whole suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi

.PHONY: run setup test test-sqlite test-postgres bench bench-scale lint translations clean

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
	@# With PostgreSQL the two passes run side by side (one per core), each one's output printed whole when it ends.
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(MAKE) -j2 --output-sync=target test-sqlite test-postgres; \
	else $(MAKE) test-sqlite && echo "TEST_DATABASE_URL not set: PostgreSQL pass skipped (CI always sets it)"; fi

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

# The scale benchmark (not part of `make bench`, test or CI): 100,001 applications, 1,008,000 scores and 20,000 projects
# at scale 1, served by gunicorn and timed over HTTP against /guide, at 0.1 and 1 for the growth; SQLite, then
# PostgreSQL when TEST_DATABASE_URL (or BENCH_DATABASE_URL) is set. Reports in bench/results/scale-<dialect>.txt.
bench-scale: $(BIN)/activate
	$(BIN)/pybabel -q compile -d translations
	env -u TEST_DATABASE_URL -u BENCH_DATABASE_URL $(BIN)/python -m bench.scale 0.1 1
	@if [ -n "$$TEST_DATABASE_URL$$BENCH_DATABASE_URL" ]; then $(BIN)/python -m bench.scale 0.1 1; else echo "TEST_DATABASE_URL not set: PostgreSQL pass skipped"; fi

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
