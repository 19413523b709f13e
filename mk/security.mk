# Retention of conversations (docs/security.md). Included by the main Makefile (PY, STAMP come from there).
.PHONY: tracker-purge

tracker-purge: $(STAMP) ## delete conversations older than TRACKER_RETENTION_DAYS (default 90) now: make tracker-purge [days=N]
	source scripts/env.sh && PYTHONPATH=. $(PY) -m bot.tracker_store purge $(if $(days),--days $(days),)
