# The two set-up commands of the README:
#   make serve   install, then serve the built-in knowledge graph at http://127.0.0.1:8000/
#   make test    install what the tests need, then run them
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve test install install-test check

# Python packages from PyPI, the SPARQL editor (YASGUI) from npm into node_modules/.
install:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e .
	npm ci --no-audit --no-fund --loglevel=error

# The tests also drive Debian's Chromium headless through Selenium and its chromedriver.
install-test: install
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	fi

serve: install
	allegiance serve --host $(HOST) --port $(PORT)

check: install
	allegiance check

# pytest exits 5 when it collects no test: say so plainly instead of failing obscurely.
test: install-test
	@$(PYTHON) -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$rc
