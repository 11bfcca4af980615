# The two commands: `make run` starts the platform, `make test` runs every test.
# Both install what they need (virtualenv in .venv, npm assets under web/).

PYTHON ?= python3.11
VENV := .venv
FLASK := $(VENV)/bin/flask --app wsgi
PORT ?= 5000
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
DATA_DIR := $(or $(MOTCUA_DATA_DIR),data)
VENDOR := web/static/vendor
BUNDLE := web/static/build

.PHONY: run test setup chromium bench bench-monitoring clean

setup: $(VENV)/.installed $(VENDOR)/.installed $(BUNDLE)/.built

$(VENV)/.installed: setup.cfg pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $@

$(VENDOR)/.installed: web/package.json web/package-lock.json
	cd web && IBM_TELEMETRY_DISABLED=true npm ci --no-audit --no-fund --ignore-scripts
	mkdir -p $(VENDOR)/swagger-ui
	cp web/node_modules/swagger-ui-dist/swagger-ui-bundle.js \
	   web/node_modules/swagger-ui-dist/swagger-ui-standalone-preset.js \
	   web/node_modules/swagger-ui-dist/swagger-ui.css $(VENDOR)/swagger-ui/
	touch $@

# The pages' scripts and styles (bpmn-js, form-js, Chart.js and ours), bundled by esbuild.
$(BUNDLE)/.built: $(VENDOR)/.installed web/build.mjs $(wildcard web/src/*)
	cd web && node build.mjs
	touch $@

# The browser tests drive Debian's Chromium (Playwright's own browser download is not used).
chromium:
	test -x /usr/bin/chromium || { apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; }

run: export MOTCUA_ADMIN_USER ?= admin
run: export MOTCUA_ADMIN_PASSWORD ?= admin-demo
run: setup
	@mkdir -p $(DATA_DIR)
	@$(FLASK) load-demo  # prepares the platform: migrations, admin, secret key
	@$(FLASK) scheduler run > $(DATA_DIR)/scheduler.log 2>&1 & \
	  scheduler=$$!; trap "kill $$scheduler 2>/dev/null" EXIT INT TERM; \
	  echo ""; \
	  echo "motcua is running at http://127.0.0.1:$(PORT)/  (sign in: http://127.0.0.1:$(PORT)/login; API docs: http://127.0.0.1:$(PORT)/api/v1/docs)"; \
	  echo "scheduler process $$scheduler (log: $(DATA_DIR)/scheduler.log)"; \
	  echo "demo logins (username / password):"; \
	  $(VENV)/bin/python -c "import json; [print(f\"  {u['username']:<17} {u['password']:<22} {', '.join(u['roles'])} @ {', '.join(u['units'])}\") for u in json.load(open('processes/demo.json'))['users']]"; \
	  echo "  $$MOTCUA_ADMIN_USER $$MOTCUA_ADMIN_PASSWORD (admin; set MOTCUA_ADMIN_USER/PASSWORD to choose)"; \
	  echo ""; \
	  PORT=$(PORT) $(VENV)/bin/gunicorn -c gunicorn.conf.py wsgi:app

# Each half spreads its test files over three processes (pytest-xdist; the tests wait on
# servers, browsers and subprocesses often enough that two cores keep three busy; on
# PostgreSQL each has a database of its own beside PG_URL's).
test: setup chromium
	$(VENV)/bin/python -m pytest -q -n 3 --dist loadfile
	$(VENV)/bin/python -m pytest -q -n 3 --dist loadfile --database-url $(PG_URL)

bench: setup
	$(VENV)/bin/python -m bench.run

# The supervisors' reads on 100,000 generated dossiers in PostgreSQL (database
# bench_monitoring, emptied first): a few minutes.
bench-monitoring: setup
	createdb -h 127.0.0.1 -U postgres bench_monitoring 2>/dev/null || true
	$(VENV)/bin/python -m bench.monitoring

clean:
	rm -rf $(VENV) web/node_modules $(VENDOR) $(BUNDLE) *.egg-info
