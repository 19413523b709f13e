# NLU: generated vocabulary files, the NLU-only model, its benchmark and its data checks.
# Included by the main Makefile (PY, STAMP, KB come from there).
NLU_ENV       := TF_INTRA_OP_PARALLELISM_THREADS=2 TF_INTER_OP_PARALLELISM_THREADS=2 RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 PYTHONWARNINGS=ignore SQLALCHEMY_SILENCE_UBER_WARNING=1 PYTHONPATH=.
NLU_BUILD     := build/nlu
NLU_GENERATED := $(NLU_BUILD)/.generated
NLU_MODEL     := build/models/nlu.tar.gz
NLU_HELDOUT   := tests/nlu/heldout.yml
NLU_GEN_INPUTS := $(wildcard policy_kb/data/*.yml) bot/nlu/export.py policy_kb/words.py policy_kb/shapes.py policy_kb/load.py \
                  bot/nlu/segment.py bot/nlu/spacy_pipeline.py bot/nlu/numbers.py
NLU_INPUTS    := config.yml $(shell find nlu_data -name '*.yml' 2>/dev/null) $(wildcard bot/nlu/*.py) $(NLU_GENERATED)

.PHONY: nlu-data nlu-model nlu-eval nlu-validate nlu-calibrate

$(NLU_GENERATED): $(STAMP) $(NLU_GEN_INPUTS)
	$(NLU_ENV) $(PY) -m bot.nlu.export --out $(NLU_BUILD) --lookups nlu_data/generated/kb_lookups.yml
	$(NLU_ENV) $(PY) -m bot.nlu.spacy_pipeline --out $(NLU_BUILD)/spacy_zh
	touch $@

nlu-data: $(NLU_GENERATED) ## generate the jieba dictionary, spaCy pipeline, lookups/synonyms/regexes from the KB

$(NLU_MODEL): $(STAMP) $(NLU_INPUTS)
	@mkdir -p build/models
	@start=$$(date +%s%N); \
	$(NLU_ENV) $(PY) -m rasa train nlu -c config.yml --nlu nlu_data --out build/models --fixed-model-name nlu \
	  > build/models/nlu.train.log 2>&1 || { tail -30 build/models/nlu.train.log; exit 1; }; \
	end=$$(date +%s%N); awk "BEGIN{printf \"%.1f\\n\", ($$end-$$start)/1e9}" > build/models/nlu.train_seconds; \
	echo "NLU model trained in $$(cat build/models/nlu.train_seconds) s"

nlu-model: $(NLU_MODEL) ## train the NLU-only model to build/models/nlu.tar.gz (only when its inputs changed)

nlu-eval: $(NLU_MODEL) ## score the held-out file (intents, entities, keyword baseline, latency) → benchmarks/nlu_report.md
	$(NLU_ENV) $(PY) -m bot.nlu.evaluate --model $(NLU_MODEL) --heldout $(NLU_HELDOUT) \
	  --train-seconds build/models/nlu.train_seconds --out benchmarks/nlu_report

nlu-validate: $(NLU_GENERATED) ## check nlu_data: Rasa validator, token alignment, duplicates, held-out overlap
	$(NLU_ENV) $(PY) -m bot.nlu.datatools validate

nlu-calibrate: $(NLU_GENERATED) ## cross-validate to calibrate the FallbackClassifier thresholds → benchmarks/nlu_fallback_calibration.md
	$(NLU_ENV) $(PY) -m bot.nlu.calibrate --folds 5 --out benchmarks/nlu_fallback_calibration.md --write-config
