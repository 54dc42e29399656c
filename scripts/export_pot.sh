#!/usr/bin/env bash
# The addon's translation template, club_session_logoff/i18n/club_session_logoff.pot,
# exported by Odoo itself (odoo-bin --i18n-export --modules=club_session_logoff)
# from a scratch database with the addon installed (and its demo data, whose
# records have terms too):
#
#   scripts/export_pot.sh           write the .pot
#   scripts/export_pot.sh --check   fail when the committed .pot differs from a
#                                   fresh export (outside the header's dates), or
#                                   when fr.po / es.po are invalid (msgfmt -c),
#                                   miss an entry of the .pot, leave one
#                                   untranslated or fuzzy, or lose a placeholder
#                                   or a tag (scripts/check_po.py); make lint
#                                   runs this
#
# The scratch database ($CLUB_POT_DB, default club_pot_check) is installed the
# first time and again whenever the addon's sources changed since (about a
# minute), and used as it is otherwise (the export takes seconds): the
# hash of the sources it was last updated from is kept in it.
source "$(dirname "$0")/env.sh"
ensure_gettext() {
    say "Installing Debian's gettext (msgfmt, msgmerge)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q gettext >/dev/null \
        || die "could not install gettext (run as root or install it yourself)."
}
CHECK=0
[ "${1:-}" = "--check" ] && CHECK=1
require_odoo
ensure_postgres
ensure_venv
[ -f "$ODOO_CONF" ] || write_config
command -v msgfmt >/dev/null || ensure_gettext
DB="${CLUB_POT_DB:-club_pot_check}"
ADDON="$REPO_DIR/club_session_logoff"
POT="$ADDON/i18n/club_session_logoff.pot"
LANGS=(fr es)
LOG_DIR="$REPO_DIR/.local/log"
LOG="$LOG_DIR/$DB.log"
mkdir -p "$LOG_DIR" "$STATE_DIR"

# Two checkouts sharing the database take turns.
exec 9>"$STATE_DIR/$DB.lock"
flock 9

# What the export reads: the addon's files, translations aside (the export does
# not read them).
source_hash=$(cd "$ADDON" && find . -type f ! -path "./i18n/*" ! -name "*.pyc" -print0 \
    | LC_ALL=C sort -z | xargs -0 sha1sum | sha1sum | cut -c1-40)
stored_hash() {
    psql -U postgres -d "$DB" -tAc \
        "SELECT value FROM ir_config_parameter WHERE key = 'club_session_logoff.pot_source_hash'" \
        2>/dev/null || true
}
run_odoo() {
    : >"$LOG"
    odoo_bin -d "$DB" "$@" --stop-after-init --logfile="$LOG" \
        || { tail -n 30 "$LOG" >&2; die "Odoo failed (full log: $LOG)."; }
    if grep -qE "^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) " "$LOG"; then
        grep -E " (ERROR|CRITICAL) " "$LOG" >&2
        die "Odoo logged errors (full log: $LOG)."
    fi
}

if ! db_exists "$DB"; then
    say "Installing the addon in the scratch database $DB (first time: a few minutes)"
    run_odoo -i club_session_logoff
elif [ "$(stored_hash)" != "$source_hash" ]; then
    # Installed afresh, not updated: an update keeps noupdate records (mail
    # templates) and what a removed file defined, which a fresh install (CI on
    # a new machine) does not have, so the export would differ.
    say "Installing the addon afresh in $DB (its sources changed)"
    drop_db "$DB"
    run_odoo -i club_session_logoff
fi
psql -q -U postgres -d "$DB" -c "
    INSERT INTO ir_config_parameter (key, value, create_date, write_date)
    VALUES ('club_session_logoff.pot_source_hash', '$source_hash', now(), now())
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, write_date = now()"

fresh=$(mktemp --suffix=.pot)
trap 'rm -f "$fresh"' EXIT
say "Exporting the terms of club_session_logoff"
run_odoo --i18n-export="$fresh" --modules=club_session_logoff

if [ "$CHECK" = 0 ]; then
    mkdir -p "$(dirname "$POT")"
    cp "$fresh" "$POT"
    say "wrote $POT ($(grep -c '^msgid' "$POT") entries with the header); now update the .po files:"
    for lang in "${LANGS[@]}"; do
        echo "    msgmerge --quiet --update --no-fuzzy-matching --backup=none $ADDON/i18n/$lang.po $POT" >&2
    done
    exit 0
fi

status=0
dates='^"(POT-Creation-Date|PO-Revision-Date): '
if ! diff -u <(grep -vE "$dates" "$POT" 2>/dev/null) <(grep -vE "$dates" "$fresh") \
    --label "committed $POT" --label "fresh export" >&2; then
    echo "The committed .pot is not Odoo's export of the addon: run scripts/export_pot.sh," \
        "then translate the new terms in the .po files (docs/translations.md)." >&2
    status=1
fi
for lang in "${LANGS[@]}"; do
    po="$ADDON/i18n/$lang.po"
    if ! msgfmt -c -o /dev/null "$po"; then
        echo "$po: msgfmt -c refuses it." >&2
        status=1
        continue
    fi
    # The .po must hold exactly the template's entries, each translated.
    # (Every entry of Odoo's export has one "#. module:" comment; the header none.)
    count() { grep -c '^#\. module: ' || true; }
    missing=$(msgcomm --less-than=2 "$fresh" "$po" 2>/dev/null | count)
    untranslated=$(msgattrib --untranslated --no-obsolete "$po" | count)
    fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$po" | count)
    if [ "$missing" -gt 0 ] || [ "$untranslated" -gt 0 ] || [ "$fuzzy" -gt 0 ]; then
        echo "$po: $missing entries differ from the fresh export, $untranslated untranslated," \
            "$fuzzy fuzzy (docs/translations.md)." >&2
        status=1
    fi
done
# Placeholders and markup kept exactly (msgfmt -c checks none: no python-format).
pos=()
for lang in "${LANGS[@]}"; do pos+=("$ADDON/i18n/$lang.po"); done
"$VENV/bin/python" "$REPO_DIR/scripts/check_po.py" "${pos[@]}" || status=1
[ "$status" = 0 ] && say "translations up to date"
exit $status
