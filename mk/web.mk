# Web: the hotline desk (Datasette over the KB, read-only) and the browser used by the web tests.
# The chat page itself is served by `make run` (bot/web/channel.py, http://localhost:5005/webhooks/webchat/).
DESK_PORT ?= 8001
DESK_HOST ?= 127.0.0.1

.PHONY: desk browser test-web

desk: $(KB) ## hotline desk: Datasette over the KB, read-only, in Chinese (http://127.0.0.1:8001/; DESK_PORT=, DESK_HOST=)
	$(PY) -m desk --kb $(KB) --host $(DESK_HOST) --port $(DESK_PORT)

browser: ## install Debian's chromium for the browser tests (root; does nothing when it is there)
	scripts/install-browser.sh

test-web: $(KB) ## the web tests only: desk, chat page, headless Chromium (screenshots in build/artifacts/web/)
	$(PY) -m pytest tests/web
