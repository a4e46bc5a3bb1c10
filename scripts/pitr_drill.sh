#!/usr/bin/env bash
# Point-in-time recovery drill (docs/operations.md, "Point-in-time recovery"): proves that a base backup plus
# the archived write-ahead log restore the database to a chosen moment, and that the restored audit log
# verifies against the checkpoint of that moment.
#
#   scripts/pitr_drill.sh            # uses /usr/lib/postgresql/*/bin and two free ports; cleans up after itself
#
# On scratch clusters only, never the live database: a "live" cluster with WAL archiving, a base backup
# (pg_basebackup), audit events before and after a target time, then a restore of the base backup into a
# second scratch cluster on another port, replaying the archive up to the target time, and verify_audit there.
# Exits non-zero if any step fails. Run as root (the clusters run as the postgres user) or as postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}"
PYTHON="${VENV:-.venv}/bin/python"
LIVE_PORT="${LIVE_PORT:-55432}"
RESTORE_PORT="${RESTORE_PORT:-55433}"
WORK="$(mktemp -d /tmp/oneteam-pitr-XXXXXX)"
chmod 755 "$WORK"
as_postgres() { if [[ "$(id -un)" == postgres ]]; then "$@"; else runuser -u postgres -- "$@"; fi; }
step() { echo "[pitr-drill $(date -u +%H:%M:%S)] $*"; }
cleanup() {
  as_postgres "$PGBIN/pg_ctl" -D "$WORK/restored" -m immediate stop >/dev/null 2>&1 || true
  as_postgres "$PGBIN/pg_ctl" -D "$WORK/live" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
chown postgres "$WORK" 2>/dev/null || true

url() { echo "postgres://postgres@127.0.0.1:$1/oneteam"; }
manage() { local port=$1; shift; DATABASE_URL="$(url "$port")" AUDIT_CHECKPOINT_FILE="$WORK/checkpoints.jsonl" \
  "$PYTHON" manage.py "$@"; }
add_events() { manage "$1" shell -c "
from oneteam.access.models import AuditAction
from oneteam.access.services import record_event
for n in range($2):
    record_event(staff=None, username='pitr-drill', action=AuditAction.SIGN_IN_FAILED, detail={'n': n})
"; }
count() { as_postgres "$PGBIN/psql" -h 127.0.0.1 -p "$1" -U postgres -d oneteam -Atc "SELECT count(*) FROM access_auditevent"; }

step "live cluster on port $LIVE_PORT with WAL archiving to $WORK/archive"
as_postgres mkdir "$WORK/archive"
as_postgres "$PGBIN/initdb" -D "$WORK/live" --auth=trust -U postgres >/dev/null
cat >>"$WORK/live/postgresql.conf" <<CONF
port = $LIVE_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK'
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $WORK/archive/%f && cp %p $WORK/archive/%f'
CONF
as_postgres "$PGBIN/pg_ctl" -D "$WORK/live" -l "$WORK/live.log" -w start >/dev/null
as_postgres "$PGBIN/createdb" -h 127.0.0.1 -p "$LIVE_PORT" -U postgres oneteam
manage "$LIVE_PORT" migrate -v 0
add_events "$LIVE_PORT" 20

step "base backup with pg_basebackup"
as_postgres "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$LIVE_PORT" -U postgres -D "$WORK/base" -X stream -c fast

step "more events after the backup, a checkpoint, then the target time"
add_events "$LIVE_PORT" 15
manage "$LIVE_PORT" audit_checkpoint
sleep 1
TARGET="$(as_postgres "$PGBIN/psql" -h 127.0.0.1 -p "$LIVE_PORT" -U postgres -d oneteam -Atc "SELECT now()")"
EXPECTED="$(count "$LIVE_PORT")"
sleep 1
step "events after the target time (the restore must not have them), and a later checkpoint"
add_events "$LIVE_PORT" 10
manage "$LIVE_PORT" audit_checkpoint
as_postgres "$PGBIN/psql" -h 127.0.0.1 -p "$LIVE_PORT" -U postgres -d oneteam -qAtc "SELECT pg_switch_wal()" >/dev/null
as_postgres "$PGBIN/pg_ctl" -D "$WORK/live" -w stop >/dev/null   # a clean stop archives the last segment

step "restore the base backup into a scratch cluster on port $RESTORE_PORT, replaying WAL up to $TARGET"
as_postgres cp -a "$WORK/base" "$WORK/restored"
cat >>"$WORK/restored/postgresql.conf" <<CONF
port = $RESTORE_PORT
archive_mode = off
restore_command = 'cp $WORK/archive/%f %p'
recovery_target_time = '$TARGET'
recovery_target_action = 'promote'
CONF
as_postgres touch "$WORK/restored/recovery.signal"
as_postgres "$PGBIN/pg_ctl" -D "$WORK/restored" -l "$WORK/restored.log" -w -t 120 start >/dev/null
for _ in $(seq 1 120); do
  [[ "$(as_postgres "$PGBIN/psql" -h 127.0.0.1 -p "$RESTORE_PORT" -U postgres -d oneteam -Atc \
    "SELECT pg_is_in_recovery()" 2>/dev/null)" == f ]] && break
  sleep 1
done

RESTORED="$(count "$RESTORE_PORT")"
step "restored $RESTORED audit events; $EXPECTED existed at the target time"
[[ "$RESTORED" == "$EXPECTED" ]] || { echo "PITR drill failed: expected $EXPECTED events" >&2; exit 1; }
step "verify_audit against the checkpoint of the target time"
manage "$RESTORE_PORT" verify_audit --as-of "$TARGET"
step "verify_audit against the latest checkpoint must report the events after the target as missing"
if manage "$RESTORE_PORT" verify_audit 2>"$WORK/later.txt"; then
  echo "PITR drill failed: the restored copy passed against a later checkpoint" >&2; exit 1
fi
grep -q "Audit log shortened" "$WORK/later.txt"
step "drill passed: restored to $TARGET with $RESTORED events, audit log verified"
