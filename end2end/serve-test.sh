#!/usr/bin/env bash
# Starts a throw-away portal for the browser tests: fresh data directory, demo data,
# and a real SMTP server (Debian's aiosmtpd) that stores mail in $SHURA_E2E_MAILDIR.
set -euo pipefail
port="$1"
bin="${SHURA_BIN:?SHURA_BIN must point at the built shura binary}"
maildir="${SHURA_E2E_MAILDIR:?SHURA_E2E_MAILDIR must name the folder for received mail}"
python="${SHURA_TEST_PYTHON:-/usr/bin/python3}"
data="$(mktemp -d "${TMPDIR:-/tmp}/shura-e2e.XXXXXX")"
smtp_port=$((port + 1))

rm -rf "$maildir"
mkdir -p "$(dirname "$maildir")"
"$python" -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$maildir" &
smtp_pid=$!
trap 'kill "$smtp_pid" 2>/dev/null || true; rm -rf "$data"' EXIT

export SHURA_DATA_DIR="$data" SHURA_BIND="127.0.0.1:$port"
export SHURA_SMTP_HOST=127.0.0.1 SHURA_SMTP_PORT="$smtp_port" SHURA_SMTP_TLS=none
export SHURA_MAIL_FROM="Shura <no-reply@shura.test>"
# Browser tests use SQLite unless SHURA_E2E_DATABASE_URL names another database.
if [[ -n "${SHURA_E2E_DATABASE_URL:-}" ]]; then export DATABASE_URL="$SHURA_E2E_DATABASE_URL"; else unset DATABASE_URL; fi
"$bin" load-demo
# The platform admin the staff journeys start from (see tests/staff.spec.ts).
SHURA_ADMIN_PASSWORD="${SHURA_E2E_ADMIN_PASSWORD:-قلعة مصمك في قلب الرياض}" \
  "$bin" create-admin --email admin@shura.test --name "مدير المنصة"
# A second admin for the drafting journeys (tests/consultations.spec.ts), so that they
# do not depend on the order in which spec files run.
SHURA_ADMIN_PASSWORD="${SHURA_E2E_ADMIN_PASSWORD:-قلعة مصمك في قلب الرياض}" \
  "$bin" create-admin --email drafts-admin@shura.test --name "مسؤولة المسودات"
# And one for the moderation journeys (tests/moderation.spec.ts).
SHURA_ADMIN_PASSWORD="${SHURA_E2E_ADMIN_PASSWORD:-قلعة مصمك في قلب الرياض}" \
  "$bin" create-admin --email moderation-admin@shura.test --name "مشرف المحتوى"
# And one who answers contributions for the agency (tests/responses.spec.ts).
SHURA_ADMIN_PASSWORD="${SHURA_E2E_ADMIN_PASSWORD:-قلعة مصمك في قلب الرياض}" \
  "$bin" create-admin --email responses-admin@shura.test --name "Reem Al-Harbi"
# And one who runs workshops (tests/workshops.spec.ts).
SHURA_ADMIN_PASSWORD="${SHURA_E2E_ADMIN_PASSWORD:-قلعة مصمك في قلب الرياض}" \
  "$bin" create-admin --email workshops-admin@shura.test --name "Lama Al-Saud"
# And one who records what reached the agency by post or social media (tests/received.spec.ts).
SHURA_ADMIN_PASSWORD="${SHURA_E2E_ADMIN_PASSWORD:-قلعة مصمك في قلب الرياض}" \
  "$bin" create-admin --email channels-admin@shura.test --name "Huda Al-Ghamdi"
"$bin" serve &
server_pid=$!
trap 'kill "$server_pid" "$smtp_pid" 2>/dev/null || true; rm -rf "$data"' EXIT
wait "$server_pid"
