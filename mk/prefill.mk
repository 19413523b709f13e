# Prefilled applications (bot/prefill): purge stored files, build a DOCX from JSON, run the prefill tests.
# Included by the main Makefile (PY, STAMP, KB come from there).
PREFILL_ENV := PYTHONPATH=.

.PHONY: prefill-purge prefill-make prefill-test

prefill-purge: $(STAMP) ## delete expired prefilled applications now (all=1: every stored one)
	$(PREFILL_ENV) $(PY) -m bot.prefill purge $(if $(all),--all,)

prefill-make: $(STAMP) ## application DOCX from JSON: make prefill-make profile=p.json applicant=a.json out=out.docx
	@test -n "$(applicant)" -a -n "$(out)" || { echo "usage: make prefill-make profile=p.json applicant=a.json out=out.docx [json=out.json]"; exit 2; }
	$(PREFILL_ENV) $(PY) -m bot.prefill make $(if $(profile),--profile $(profile),) --applicant $(applicant) --out $(out) $(if $(json),--json $(json),)

prefill-test: $(STAMP) ## run the prefill tests only
	$(PY) -m pytest tests/prefill -q
