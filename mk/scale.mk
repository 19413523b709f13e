# The scaled mode (docs/deploy.md): several Rasa servers on PostgreSQL and Redis behind nginx.
.PHONY: services services-stop check-scale bench-scale

services: ## start private Redis + PostgreSQL under var/services (installed first if missing); prints where
	scripts/services.sh start var/services && scripts/services.sh status var/services

services-stop: ## stop the private Redis + PostgreSQL of `make services` (their data stays in var/services)
	scripts/services.sh stop var/services

check-scale: $(MODEL) ## 2 Rasa + 2 action servers on PostgreSQL/Redis behind nginx: moves, bursts, WeChat retries, Redis restart, an application, a SIGKILL
	scripts/services.sh install
	$(PY) scripts/check_scale.py

bench-scale: $(MODEL) ## 1 vs 2 Rasa servers behind nginx: p95 at 30 messages/s and capacity (writes benchmarks/scale.md)
	scripts/services.sh install
	$(PY) benchmarks/scale.py
