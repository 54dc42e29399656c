#!/usr/bin/env bash
# ruff, OCA's mandatory pylint-odoo checks and OCA's XML/manifest checks on the
# addon, the tests and the scripts.
source "$(dirname "$0")/env.sh"
ensure_venv
ensure_lint_venv
cd "$REPO_DIR"
say "ruff"
"$VENV/bin/ruff" check --no-fix club_session_logoff tests scripts
"$VENV/bin/ruff" format --check club_session_logoff tests scripts
say "pylint-odoo (OCA mandatory checks)"
"$VENV/bin/pylint" --rcfile=.pylintrc-mandatory club_session_logoff
say "oca-checks-odoo-module (OCA's XML and manifest checks, all enabled)"
"$LINT_VENV/bin/oca-checks-odoo-module" club_session_logoff
say "the Club Attendance dashboard file is scripts/build_attendance_dashboard.py's"
"$VENV/bin/python" scripts/build_attendance_dashboard.py --check
say "the .pot is Odoo's export of the addon; fr.po and es.po translate all of it"
"$REPO_DIR/scripts/export_pot.sh" --check
say "lint clean"
