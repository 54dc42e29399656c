#!/usr/bin/env bash
# Benchmarks: scripts/bench.sh NAME runs scripts/bench/NAME.py against a scratch
# database club_bench_NAME (created with the addon, without demo data, when missing;
# CLUB_BENCH_FRESH=1 recreates it). The script prints its own figures.
source "$(dirname "$0")/env.sh"
NAME="${1:?usage: scripts/bench.sh NAME (one of: $(cd "$REPO_DIR/scripts/bench" && ls *.py | grep -v '^bench_data' | sed 's/\.py$//' | tr '\n' ' '))}"
shift
SCRIPT="$REPO_DIR/scripts/bench/$NAME.py"
[ -f "$SCRIPT" ] || die "no benchmark $NAME ($SCRIPT)."
setup_all
DB="${CLUB_BENCH_DB_PREFIX:-club_bench_}$NAME"
if [ "${CLUB_BENCH_FRESH:-0}" = 1 ]; then drop_db "$DB"; fi
if ! db_exists "$DB"; then
    say "Creating scratch database $DB"
    odoo_bin -d "$DB" -i club_session_logoff --without-demo=all --stop-after-init --log-level=warn
else
    odoo_bin -d "$DB" -u club_session_logoff --stop-after-init --log-level=warn
fi
cd "$REPO_DIR"
PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}" exec "$VENV/bin/python" "$SCRIPT" \
    --config "$ODOO_CONF" --database "$DB" "$@"
