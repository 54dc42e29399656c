#!/usr/bin/env bash
# A fresh database with the addon (and demo data, as Odoo's own runs have), then
# every test with pytest-odoo. Extra arguments go to pytest, e.g.
#   scripts/test.sh tests/test_log_off.py -k completed
# CLUB_TEST_DB names the database; CLUB_TEST_REUSE=1 updates it instead of
# recreating it (quicker while developing).
source "$(dirname "$0")/env.sh"
setup_all
DB="${CLUB_TEST_DB:-club_test}"
LOG_DIR="$REPO_DIR/.local/log"
mkdir -p "$LOG_DIR"
INSTALL_LOG="$LOG_DIR/$DB-install.log"
TEST_LOG="$LOG_DIR/$DB-tests.log"
: >"$INSTALL_LOG"
: >"$TEST_LOG"

if [ "${CLUB_TEST_REUSE:-0}" = 1 ] && db_exists "$DB"; then
    say "Updating the addon in test database $DB"
    odoo_bin -d "$DB" -u club_session_logoff --stop-after-init --logfile="$INSTALL_LOG"
else
    say "Creating test database $DB and installing the addon"
    drop_db "$DB"
    # payment_demo (tests only): the portal tour pays a penalty invoice with
    # Odoo's demo payment provider.
    odoo_bin -d "$DB" -i club_session_logoff,payment_demo --stop-after-init \
        --logfile="$INSTALL_LOG"
fi
if grep -qE "^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) " "$INSTALL_LOG"; then
    grep -E " (WARNING|ERROR|CRITICAL) " "$INSTALL_LOG" >&2
    die "the installation logged warnings or errors (full log: $INSTALL_LOG)."
fi

say "Running the tests (Odoo's log: $TEST_LOG)"
cd "$REPO_DIR"  # never from Odoo's addons/: its calendar module shadows Python's
# --test-file puts Odoo's test framework in test mode from the start (pytest-odoo
# imports it before its own fixture enables tests); only odoo-bin would run the
# file itself, so nothing runs twice. --test-enable would run every at_install
# test of the database while loading it.
set +e
PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}" "$VENV/bin/python" -m pytest \
    -p no:cacheprovider \
    --odoo-config="$ODOO_CONF" --odoo-database="$DB" --odoo-http \
    --odoo-log-level=info --odoo-extra="logfile=$TEST_LOG" \
    --odoo-extra="test-file=$REPO_DIR/tests" \
    "${@:-tests}"
status=$?
set -e
if grep -qE "^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) " "$TEST_LOG"; then
    grep -E "^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) " "$TEST_LOG" | head -50 >&2
    echo "The tests logged warnings or errors (full log: $TEST_LOG)." >&2
    [ $status -eq 0 ] && status=1
fi
exit $status
