# The project's commands; each does the set-up it needs (see README.md).
.PHONY: run test lint bench bench-log-sessions bench-kiosk bench-cron bench-pos \
	bench-sessions bench-penalties bench-attendance bench-dashboard bench-reminders \
	bench-portal bench-portal-page

run:
	scripts/run.sh

test:
	scripts/test.sh $(ARGS)

lint:
	scripts/lint.sh

# Every benchmark, one after the other (each fills its own scratch database).
bench: bench-log-sessions bench-kiosk bench-cron bench-pos bench-sessions bench-penalties \
	bench-attendance bench-dashboard bench-reminders bench-portal bench-portal-page

bench-log-sessions:
	scripts/bench.sh log_sessions

bench-kiosk:
	scripts/bench.sh kiosk

bench-cron:
	scripts/bench.sh cron

bench-pos:
	scripts/bench.sh pos

bench-sessions:
	scripts/bench.sh sessions

bench-penalties:
	scripts/bench.sh penalties $(ARGS)

bench-attendance:
	scripts/bench.sh attendance

bench-dashboard:
	scripts/bench.sh dashboard

bench-reminders:
	scripts/bench.sh reminders $(ARGS)

bench-portal:
	scripts/bench.sh portal $(ARGS)

bench-portal-page:
	scripts/bench.sh portal_page $(ARGS)
