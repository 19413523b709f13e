# Mutation testing (mutmut): do the tests notice a wrong line where it hurts most? See benchmarks/mutation.md.
# Each module runs in its own copy under build/mutation/ (mutmut 2 edits files in place); one at a time (2 cores).
.PHONY: mutation mutation-fast

mutation: $(STAMP) ## mutation testing, every guarded module (~1.5 h on 2 shared cores; m="money dedup" for some) → build/mutation/*.md
	$(PY) scripts/mutation.py $(m)

mutation-fast: $(STAMP) ## the fast mutation subset make test runs: signature checks, retry cache, amounts (a few minutes)
	$(PY) scripts/mutation.py --fast
