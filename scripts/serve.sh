#!/usr/bin/env bash
# Production OneTeam (`make serve`): static files collected, database migrated, then gunicorn.
# Every setting comes from the environment; see README.md. Refuses to start without the essentials.
set -euo pipefail
cd "$(dirname "$0")/.."
export ONETEAM_ENVIRONMENT="${ONETEAM_ENVIRONMENT:-production}"
: "${DATABASE_URL:?Set DATABASE_URL to the PostgreSQL database, e.g. postgres://oneteam@db:5432/oneteam}"
: "${SECRET_KEY:?Set SECRET_KEY to a long random secret}"
: "${ALLOWED_HOSTS:?Set ALLOWED_HOSTS to the host names OneTeam answers to, comma-separated}"
if [[ -z "${AUDIT_KEY:-}" && -z "${AUDIT_KEY_FILE:-}" ]]; then
  echo "Set AUDIT_KEY (or AUDIT_KEY_FILE) to a long random secret, kept outside the database" >&2
  exit 1
fi
BIN="${VENV:-.venv}/bin"
# From nhsuk-frontend only what pages load is collected (its assets and compiled script), not its
# sources, source maps and per-component builds: thousands of files each compressed for nothing.
ignored=('*.map' '*.scss' '*.mjs' '*.mts' '*.njk' components core lib macros common errors 'nhsuk-frontend*.css'
  'nhsuk-frontend-dynamic-type*' nhsuk-frontend.js nhsuk.js index.js i18n.js '*component.js')
"$BIN/python" manage.py collectstatic --no-input --clear -v 0 "${ignored[@]/#/--ignore=}"
# Migrations run as the role that owns the tables (MIGRATE_DATABASE_URL, if set); the server runs as a role that
# may only add to and read the audit log (docs/operations.md, "Database roles").
DATABASE_URL="${MIGRATE_DATABASE_URL:-$DATABASE_URL}" "$BIN/python" manage.py migrate --no-input -v 0
exec "$BIN/gunicorn" oneteam.wsgi -c gunicorn.conf.py
