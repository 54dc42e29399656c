# shellcheck shell=bash
# Shared set-up for the project's commands (sourced by scripts/*.sh).
# Every step is idempotent and quick once done, so each command can run it.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_PATH="${ODOO_PATH:-/opt/odoo}"
STATE_DIR="${CLUB_STATE_DIR:-$HOME/.cache/club_session_logoff}"
VENV="${CLUB_VENV:-$STATE_DIR/venv}"
PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
DB_USER="${CLUB_DB_USER:-odoo}"
DB_PASSWORD="${CLUB_DB_PASSWORD:-odoo}"
# The configuration names this checkout's addon, so it lives in the checkout.
ODOO_CONF="$REPO_DIR/.local/odoo.conf"
export PGHOST PGPORT

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

require_odoo() {
    if [ ! -f "$ODOO_PATH/odoo-bin" ] || [ ! -d "$ODOO_PATH/addons/point_of_sale" ]; then
        cat >&2 <<MSG
No Odoo 18.0 source tree at ODOO_PATH=$ODOO_PATH.

This addon runs on Odoo 18.0 Community, which is not installed from a package
registry. Put its source tree there (or point ODOO_PATH at one), e.g.:

    git clone --depth 1 --branch 18.0 https://github.com/odoo/odoo.git /opt/odoo

then run this command again.
MSG
        exit 1
    fi
    grep -q "version_info = (18, 0" "$ODOO_PATH/odoo/release.py" \
        || die "$ODOO_PATH is not Odoo 18.0 (see $ODOO_PATH/odoo/release.py)."
}

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else return 1; fi
}

ensure_system_packages() {
    local missing=()
    for pkg in libldap2-dev libsasl2-dev libpq-dev chromium; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "Installing Debian packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null \
        || { as_root apt-get update -q >/dev/null \
             && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; } \
        || die "could not install ${missing[*]} (run as root or install them yourself)."
}

ensure_postgres() {
    if ! pg_isready -q -h "$PGHOST" -p "$PGPORT"; then
        say "Starting PostgreSQL"
        local version
        version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
        [ -n "$version" ] || die "PostgreSQL is not installed (apt-get install postgresql)."
        as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start \
            || die "could not start PostgreSQL $version."
        for _ in $(seq 30); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && break; sleep 1; done
        pg_isready -q -h "$PGHOST" -p "$PGPORT" || die "PostgreSQL did not come up on $PGHOST:$PGPORT."
    fi
    # Odoo refuses to run as the postgres superuser: it gets a role of its own.
    if ! psql -U postgres -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='$DB_USER'" | grep -q 1; then
        say "Creating PostgreSQL role $DB_USER"
        psql -q -U postgres -d postgres -c \
            "CREATE ROLE \"$DB_USER\" LOGIN CREATEDB PASSWORD '$DB_PASSWORD'"
    fi
}

ensure_venv() {
    local stamp want
    want=$(cat "$ODOO_PATH/requirements.txt" "$REPO_DIR/requirements-dev.txt" | sha1sum | cut -c1-16)
    # One stamp per set of requirements, so checkouts at different commits that
    # share the virtualenv do not reinstall in turn.
    stamp="$VENV/.club-stamps/$want"
    if [ -f "$stamp" ]; then return 0; fi
    say "Preparing the Python environment in $VENV (first time takes a few minutes)"
    mkdir -p "$STATE_DIR"
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
    local pip=("$VENV/bin/pip" install -q --disable-pip-version-check)
    # cbor2 5.4.2 (pinned by Odoo) does not build with setuptools >= 72; the
    # constraint reaches pip's isolated build environments through the variable.
    local constraints="$STATE_DIR/build-constraints.txt"
    echo "setuptools<72" >"$constraints"
    "${pip[@]}" "setuptools<72" wheel
    PIP_CONSTRAINT="$constraints" "${pip[@]}" -r "$ODOO_PATH/requirements.txt" \
        2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
    "${pip[@]}" -r "$REPO_DIR/requirements-dev.txt" \
        2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
    mkdir -p "$(dirname "$stamp")"
    touch "$stamp"
}

# OCA's pre-commit checks pin packages Odoo pins otherwise: their own virtualenv.
LINT_VENV="${CLUB_LINT_VENV:-$STATE_DIR/lint-venv}"
ensure_lint_venv() {
    local stamp
    stamp="$LINT_VENV/.club-stamps/$(sha1sum <"$REPO_DIR/requirements-lint.txt" | cut -c1-16)"
    [ -f "$stamp" ] && return 0
    say "Preparing the lint environment in $LINT_VENV"
    mkdir -p "$STATE_DIR"
    [ -x "$LINT_VENV/bin/python" ] || python3 -m venv "$LINT_VENV"
    "$LINT_VENV/bin/pip" install -q --disable-pip-version-check -r "$REPO_DIR/requirements-lint.txt" \
        2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
    mkdir -p "$(dirname "$stamp")"
    touch "$stamp"
}

write_config() {
    mkdir -p "$STATE_DIR/data" "$(dirname "$ODOO_CONF")"
    cat >"$ODOO_CONF" <<CONF
[options]
addons_path = $ODOO_PATH/addons,$ODOO_PATH/odoo/addons,$REPO_DIR
data_dir = $STATE_DIR/data
db_host = $PGHOST
db_port = $PGPORT
db_user = $DB_USER
db_password = $DB_PASSWORD
admin_passwd = admin
http_port = ${CLUB_HTTP_PORT:-8069}
CONF
}

setup_all() {
    require_odoo
    ensure_system_packages
    ensure_postgres
    ensure_venv
    write_config
}

odoo_bin() {
    "$VENV/bin/python" "$ODOO_PATH/odoo-bin" -c "$ODOO_CONF" "$@"
}

drop_db() {
    PGOPTIONS='-c client_min_messages=warning' psql -q -U postgres -d postgres -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)"
    rm -rf "$STATE_DIR/data/filestore/$1"
}

db_exists() {
    psql -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$1'" | grep -q 1
}
