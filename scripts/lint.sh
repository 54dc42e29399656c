#!/usr/bin/env bash
# ruff and OCA's mandatory pylint-odoo checks on the addon, the tests and the scripts.
source "$(dirname "$0")/env.sh"
ensure_venv
cd "$REPO_DIR"
say "ruff"
"$VENV/bin/ruff" check --no-fix club_session_logoff tests scripts
say "pylint-odoo (OCA mandatory checks)"
"$VENV/bin/pylint" --rcfile=.pylintrc-mandatory club_session_logoff
say "lint clean"
