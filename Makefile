# The project's commands; each does the set-up it needs (see README.md).
.PHONY: run test lint bench

run:
	scripts/run.sh

test:
	scripts/test.sh $(ARGS)

lint:
	scripts/lint.sh

bench:
	scripts/bench.sh
