# The talent office's console (docs/console.md): Datasette over the event store, behind a password.
# Included by the main Makefile (PY, STAMP, KB come from there).
CONSOLE_PORT ?= 8002
CONSOLE_HOST ?= 127.0.0.1

.PHONY: console console-password console-purge review-import

console: $(KB) ## office console: inbox, reviews, policy figures (http://127.0.0.1:8002/; needs CONSOLE_PASSWORD_HASH)
	source scripts/env.sh && PYTHONPATH=. $(PY) -m console serve --events "$$EVENT_DB" --kb $(KB) \
	  --host $(CONSOLE_HOST) --port $(CONSOLE_PORT)

console-password: $(STAMP) ## print a password hash for CONSOLE_PASSWORD_HASH (asks for the password)
	@PYTHONPATH=. $(PY) -m console hash-password

console-purge: $(STAMP) ## remove message texts older than EVENT_RETENTION_DAYS (default 90) from the event store now; counts stay: make console-purge [days=N]
	source scripts/env.sh && PYTHONPATH=. $(PY) -m bot.event_store purge $(if $(days),--days $(days),)

review-import: $(KB) ## reviewed messages → nlu_data/reviewed.yml and tests/e2e/reviewed.yml (look, then make test, then commit)
	source scripts/env.sh && PYTHONPATH=. $(PY) -m console import-reviews --events "$$EVENT_DB" $(if $(all),--all,)
