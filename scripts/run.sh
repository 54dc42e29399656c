#!/usr/bin/env bash
# Odoo on http://localhost:8069 with the addon and its demo data (admin/admin).
source "$(dirname "$0")/env.sh"
setup_all
DB="${CLUB_DB:-club_demo}"
PORT="${CLUB_HTTP_PORT:-8069}"
if db_exists "$DB"; then
    say "Updating the addon in database $DB"
    odoo_bin -d "$DB" -u club_session_logoff --stop-after-init --log-level=warn
else
    say "Creating database $DB with the addon and demo data (takes a few minutes)"
    odoo_bin -d "$DB" -i club_session_logoff --stop-after-init --log-level=warn
fi
say "Odoo runs on http://localhost:$PORT (login admin, password admin); Ctrl-C stops it"
exec "$VENV/bin/python" "$ODOO_PATH/odoo-bin" -c "$ODOO_CONF" -d "$DB" \
    --db-filter="^$DB\$" --http-port="$PORT" "$@"
