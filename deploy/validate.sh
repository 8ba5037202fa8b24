#!/usr/bin/env bash
# Checks every file under deploy/ with the tools Debian gives us, then exercises them for
# real. .ci/run calls it; it runs the same on a developer's machine (as root: the rehearsal
# runs the processes as the image's unprivileged user).
#
#   bash deploy/validate.sh            static checks (about 10 s), then the live rehearsal (about 1 min)
#   bash deploy/validate.sh --static   static checks only
#   KEEP=1 bash deploy/validate.sh     keep the work directory (logs, configs) for a look
#
# Needs: node and this repository's node_modules (npm ci), nginx, promtool and prometheus
# (package prometheus), systemd-analyze and systemd-sysusers (package systemd), sqlite3,
# openssl, curl, /usr/bin/python3 with PyYAML (python3-yaml); kubectl only for its
# `kubectl kustomize` check, skipped without it.
#
# Static: nginx -t on dex.conf; promtool check rules/test rules/check config; the dashboard's
# JSON; the Kubernetes manifests (parsed, cross-checked, rendered by kubectl kustomize, their
# node scripts syntax-checked); systemd-analyze verify and security on the units;
# systemd-sysusers on the sysusers file; every DEX_* variable in the manifests and
# environment files against the programs' --help.
#
# Live: the runtime stage of deploy/Containerfile rehearsed (a copy of this tree pruned to
# production dependencies, run as uid 10001 from files it cannot write); an overlord and two
# workers on an SQLite file; nginx with dex.conf in front of them (both get requests, a
# stopped worker is skipped, POSTs too, metrics hidden, request ids passed); the readiness
# probe of deploy/k8s run against them; Prometheus with alerts.yml scraping them (alerts and
# dashboard queries evaluated on real data); an online SQLite backup restored and started;
# every process stopped with SIGTERM and exiting 0.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEPLOY=$ROOT/deploy
PY=/usr/bin/python3
MODE=${1:-all}
STARTED=$(date +%s)

WORK=$(mktemp -d /tmp/dex-deploy.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/logs"

declare -A PIDS=()
passed=0
failed=0

cleanup() {
  local name
  for name in "${!PIDS[@]}"; do
    kill "${PIDS[$name]}" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if [ "${KEEP:-}" = 1 ]; then echo "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

section() { printf '\n%s  [%ss]\n' "$*" "$(($(date +%s) - STARTED))"; }
ok() {
  printf '  ok    %s\n' "$*"
  passed=$((passed + 1))
}
fail() {
  printf '  FAIL  %s\n' "$*"
  failed=$((failed + 1))
}
# check DESCRIPTION COMMAND...: runs the command, shows its output only when it fails.
check() {
  local description=$1
  shift
  if "$@" >"$WORK/check.out" 2>&1; then
    ok "$description"
  else
    fail "$description"
    sed 's/^/        /' "$WORK/check.out"
  fi
}
# check_shows DESCRIPTION COMMAND...: as check, and shows the output either way.
check_shows() {
  local description=$1
  shift
  if "$@" >"$WORK/check.out" 2>&1; then ok "$description"; else fail "$description"; fi
  sed 's/^/        /' "$WORK/check.out"
}
finish() {
  printf '\ndeploy/validate.sh took %ss\n' "$(($(date +%s) - STARTED))"
  printf 'deploy: %d passed, %d failed\n' "$passed" "$failed"
  [ "$failed" = 0 ]
}

section "Tools"
missing=()
for tool in node nginx promtool prometheus systemd-analyze systemd-sysusers sqlite3 openssl curl setpriv; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
"$PY" -c 'import yaml' 2>/dev/null || missing+=("python3-yaml")
if [ "${#missing[@]}" -gt 0 ]; then
  fail "missing: ${missing[*]} (apt-get install nginx prometheus systemd sqlite3 openssl curl python3-yaml)"
  finish
  exit 1
fi
NODE=$(command -v node)
ok "$(nginx -v 2>&1), $(promtool --version 2>&1 | head -n 1), systemd $(systemd-analyze --version | head -n 1 | cut -d' ' -f2), node $(node --version)"

# Every port the checks use, free on 127.0.0.1 now.
read -r P_HTTP P_TLS P_W1 P_W2 P_M1 P_M2 P_OV P_OV2 P_PROM P_LDAP < <("$PY" -c '
import socket
socks = [socket.socket() for _ in range(10)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')

# ---------------------------------------------------------------------------------------
section "nginx (deploy/nginx/dex.conf)"
mkdir -p "$WORK/nginx/tmp" "$WORK/tls"
chmod 1777 "$WORK/nginx/tmp"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
  -subj /CN=dex.example.com -addext subjectAltName=DNS:dex.example.com \
  -keyout "$WORK/tls/privkey.pem" -out "$WORK/tls/fullchain.pem" 2>/dev/null
# A copy with what only a real host has replaced: ports 80/443, the certificate and log
# paths, the workers' addresses.
check "dex.conf renders for the harness" "$PY" "$DEPLOY/test/render.py" "$DEPLOY/nginx/dex.conf" "$WORK/nginx/dex.conf" \
  "listen 80;" "listen 127.0.0.1:$P_HTTP;" \
  "listen [::]:80;" "listen [::1]:$P_HTTP;" \
  "listen 443 ssl http2;" "listen 127.0.0.1:$P_TLS ssl http2;" \
  "listen [::]:443 ssl http2;" "listen [::1]:$P_TLS ssl http2;" \
  "/etc/dex/tls/" "$WORK/tls/" \
  "/var/log/nginx/" "$WORK/nginx/" \
  "server 127.0.0.1:5556 " "server 127.0.0.1:$P_W1 " \
  "server 127.0.0.1:5558 " "server 127.0.0.1:$P_W2 "
cat >"$WORK/nginx/nginx.conf" <<EOF
# The harness: what /etc/nginx/nginx.conf gives dex.conf on a Debian host, in a temporary prefix.
daemon off;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    client_body_temp_path $WORK/nginx/tmp/client_body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    include $WORK/nginx/dex.conf;
}
EOF
check "nginx -t" nginx -t -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log"

# ---------------------------------------------------------------------------------------
section "Prometheus (deploy/prometheus) and Grafana (deploy/grafana)"
mkdir -p "$WORK/prom"
printf 'placeholder' >"$WORK/prom/admin-api-secret"
check "promtool check rules alerts.yml" promtool check rules "$DEPLOY/prometheus/alerts.yml"
check_shows "promtool test rules alerts.test.yml" promtool test rules "$DEPLOY/prometheus/alerts.test.yml"
cp "$DEPLOY/prometheus/alerts.yml" "$WORK/prom/alerts.yml"
check "prometheus.yml renders for the harness" "$PY" "$DEPLOY/test/render.py" "$DEPLOY/prometheus/prometheus.yml" "$WORK/prom/prometheus.yml" \
  "scrape_interval: 15s" "scrape_interval: 1s" \
  "evaluation_interval: 15s" "evaluation_interval: 1s" \
  '"127.0.0.1:15556", "127.0.0.1:15558"' "\"127.0.0.1:$P_M1\", \"127.0.0.1:$P_M2\"" \
  '"127.0.0.1:5557"' "\"127.0.0.1:$P_OV\"" \
  "/etc/prometheus/secrets/dex-admin-api-secret" "$WORK/prom/admin-api-secret"
check "promtool check config prometheus.yml (with alerts.yml)" promtool check config "$WORK/prom/prometheus.yml"
# Debian builds Prometheus without Kubernetes service discovery, so promtool cannot check
# this one beyond YAML.
check "prometheus-kubernetes.yml parses (Debian's promtool has no kubernetes_sd)" "$PY" -c '
import sys, yaml
config = yaml.safe_load(open(sys.argv[1]))
assert [j["job_name"] for j in config["scrape_configs"]] == ["dex-worker", "dex-overlord"], "job names"
' "$DEPLOY/prometheus/prometheus-kubernetes.yml"
check_shows "dex-dashboard.json parses and is well formed" "$PY" "$DEPLOY/test/check_dashboard.py" "$DEPLOY/grafana/dex-dashboard.json"

# ---------------------------------------------------------------------------------------
section "Kubernetes (deploy/k8s) and environment files (deploy/systemd/*.env.example)"
mkdir -p "$WORK/help"
for bin in apps/server/bin/dex-worker.js apps/overlord/bin/dex-overlord.js apps/console/bin/dexctl.js; do
  "$NODE" "$ROOT/$bin" --help >"$WORK/help/$(basename "$bin" .js).txt"
done
rendered=()
if command -v kubectl >/dev/null 2>&1; then
  check "kubectl kustomize deploy/k8s" sh -c "kubectl kustomize '$DEPLOY/k8s' > '$WORK/k8s-rendered.yaml'"
  rendered=(--rendered "$WORK/k8s-rendered.yaml")
else
  echo "  skip  kubectl kustomize (kubectl is not installed)"
fi
check_shows "manifests and environment files hold together (check_config.py)" \
  "$PY" "$DEPLOY/test/check_config.py" --help-dir "$WORK/help" "${rendered[@]}"
"$PY" "$DEPLOY/test/check_config.py" --print-readiness-script >"$WORK/readiness.mjs"
check "the worker's readiness probe script is valid JavaScript" "$NODE" --check "$WORK/readiness.mjs"
"$PY" -c '
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
worker = next(d for d in docs if d["kind"] == "Deployment")
print(worker["spec"]["template"]["spec"]["initContainers"][0]["command"][3])
' "$DEPLOY/k8s/worker.yaml" >"$WORK/wait-for-overlord.mjs"
check "the worker's wait-for-overlord script is valid JavaScript" "$NODE" --check "$WORK/wait-for-overlord.mjs"

# ---------------------------------------------------------------------------------------
section "systemd (deploy/systemd)"
mkdir -p "$WORK/systemd" "$WORK/sysroot/etc"
# verify checks that ExecStart's program exists: point it at this machine's node.
for unit in dex-overlord.service dex-worker@.service; do
  "$PY" "$DEPLOY/test/render.py" "$DEPLOY/systemd/$unit" "$WORK/systemd/$unit" "/usr/bin/node " "$NODE "
done
cp "$WORK/systemd/dex-worker@.service" "$WORK/systemd/dex-worker@5556.service"
verify_quietly() {
  # Unknown keys and bad values are only warnings (exit 0): any output is a failure here.
  (cd "$WORK/systemd" && systemd-analyze verify "$@") >"$WORK/verify.out" 2>&1 || {
    cat "$WORK/verify.out"
    return 1
  }
  if [ -s "$WORK/verify.out" ]; then
    cat "$WORK/verify.out"
    return 1
  fi
}
check "systemd-analyze verify dex-overlord.service dex-worker@5556.service" verify_quietly dex-overlord.service dex-worker@5556.service
for unit in dex-overlord.service dex-worker@5556.service; do
  check "systemd-analyze security --offline: $unit exposure at most 2.0" \
    sh -c "cd '$WORK/systemd' && systemd-analyze security --offline=true --threshold=20 $unit"
done
check "systemd-sysusers creates the dex user (in a scratch root)" sh -c \
  "systemd-sysusers --root='$WORK/sysroot' '$DEPLOY/systemd/dex.sysusers.conf' && grep -q '^dex:x:[0-9]*:[0-9]*:.*:/var/lib/dex:/usr/sbin/nologin$' '$WORK/sysroot/etc/passwd'"

if [ "$MODE" = --static ]; then
  finish
  exit $?
fi

# ---------------------------------------------------------------------------------------
section "Live: the image's runtime stage, rehearsed"
# deploy/Containerfile copies the tree, runs npm ci, builds the console and prunes the
# development dependencies, then runs as uid 10001 from root-owned files. Same here, from
# this tree's installed node_modules (no container engine runs on our machines).
APP=$WORK/app
mkdir -p "$APP"
tar -C "$ROOT" --exclude=./.git --exclude=./.dex --exclude=./.turbo --exclude=./e2e/test-results \
  --exclude=./e2e/playwright-report --exclude='*.db' --exclude='*.db-wal' --exclude='*.db-shm' -cf - . | tar -C "$APP" -xf -
if [ ! -f "$APP/apps/console/dist/renderer/index.html" ]; then
  check "build the console (npm run build:renderer)" sh -c "cd '$APP' && npm run build:renderer --workspace @dex/console"
fi
check "npm prune --omit=dev" sh -c "cd '$APP' && npm prune --omit=dev --offline --no-audit --no-fund"
# Readable by all, writable by none but root: the copy's top directory takes the mode of the
# checkout's (0700 when it was cloned into a `mktemp -d` directory), which uid 10001 can't enter.
chmod -R go-w,a+rX "$APP"
check "vitest and electron are gone; tsx, the generated Prisma clients and the console build stay" sh -c "
  test ! -e '$APP/node_modules/vitest' && test ! -e '$APP/node_modules/electron' &&
  test -e '$APP/node_modules/tsx' && test -d '$APP/packages/shared/src/db/generated/postgresql' &&
  test -f '$APP/apps/console/dist/renderer/index.html'"

mkdir -p "$WORK/data" "$WORK/tmp" "$WORK/restore" "$WORK/metrics"
if [ "$(id -u)" = 0 ]; then
  chown 10001:10001 "$WORK/data" "$WORK/tmp" "$WORK/restore"
  AS_DEX=(setpriv --reuid=10001 --regid=10001 --clear-groups --)
  check "uid 10001 cannot write the code" sh -c "! ${AS_DEX[*]} touch '$APP/package.json' 2>/dev/null"
else
  AS_DEX=()
  echo "  skip  running as uid 10001 (needs root): the processes run as $(id -un)"
fi
# The processes start in the image's working directory, as they would in the container: a
# child they spawn (esbuild, when a program runs from its sources) inherits it, and the
# checkout's own directory may not be enterable by uid 10001.
cd "$APP"
KEY_SECRET=$(head -c 32 /dev/urandom | base64)
ADMIN_SECRET=$(head -c 128 /dev/urandom | base64 -w0)
printf '%s' "$ADMIN_SECRET" >"$WORK/prom/admin-api-secret"
ISSUER=https://dex.example.com:$P_TLS/dex
BASE_ENV=(PATH="$APP/node_modules/.bin:$(dirname "$NODE"):/usr/bin:/bin" HOME=/nonexistent TMPDIR="$WORK/tmp" NODE_ENV=production)

# start NAME VAR=VALUE... COMMAND...: a process in the background, as the image runs it
# (setpriv and env exec it: its pid is the process's own, and SIGTERM reaches it).
start() {
  local name=$1
  shift
  "${AS_DEX[@]}" env -i "${BASE_ENV[@]}" "$@" >"$WORK/logs/$name.log" 2>&1 &
  PIDS[$name]=$!
}
abort() {
  fail "$1: the remaining live checks cannot run"
  finish
  exit 1
}
# stop NAME: SIGTERM, then the exit status must be 0 and the log end with "stopped".
stop() {
  local name=$1 status=0
  kill -TERM "${PIDS[$name]}"
  wait "${PIDS[$name]}" || status=$?
  unset "PIDS[$name]"
  if [ "$status" = 0 ] && tail -n 1 "$WORK/logs/$name.log" | grep -q '"msg":"stopped"'; then
    ok "$name stops on SIGTERM: exit status 0, \"stopped\""
  else
    fail "$name stops on SIGTERM: exit status $status"
    tail -n 5 "$WORK/logs/$name.log" | sed 's/^/        /'
  fi
}
# wait_up NAME URL [SECONDS]: until the URL answers 2xx, or the process has died.
wait_up() {
  local name=$1 url=$2 seconds=${3:-90} i
  for ((i = 0; i < seconds * 4; i++)); do
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
      ok "$name answers $url"
      return 0
    fi
    if ! kill -0 "${PIDS[$name]}" 2>/dev/null; then break; fi
    sleep 0.25
  done
  fail "$name answers $url"
  tail -n 20 "$WORK/logs/$name.log" | sed 's/^/        /'
  return 1
}
# dexctl_admin PORT ARGS...: dexctl through the admin API of the overlord on PORT.
dexctl_admin() {
  "${AS_DEX[@]}" env -i "${BASE_ENV[@]}" DEXCTL_ADMIN_URL="http://127.0.0.1:$1" DEXCTL_ADMIN_SECRET="$ADMIN_SECRET" dexctl "${@:2}"
}
# requests_counted PORT MATCH: the sum of dex_http_requests_total samples whose labels contain
# MATCH, from the worker whose metrics address (--metrics-listen) is on PORT.
requests_counted() {
  curl -fsS "http://127.0.0.1:$1/metrics" | awk -v m="$2" '/^dex_http_requests_total\{/ && index($0, m) { s += $NF } END { print s + 0 }'
}

section "Live: an overlord and two workers on SQLite"
start overlord DEX_OVERLORD_DB_URL="file:$WORK/data/dex.db" DEX_OVERLORD_KEY_SECRETS="$KEY_SECRET" \
  DEX_OVERLORD_ADMIN_API_SECRET="$ADMIN_SECRET" DEX_OVERLORD_ADMIN_LISTEN="http://127.0.0.1:$P_OV" dex-overlord
wait_up overlord "http://127.0.0.1:$P_OV/health" || abort "no overlord"
"$PY" "$DEPLOY/test/render.py" "$WORK/wait-for-overlord.mjs" "$WORK/wait-for-overlord-live.mjs" \
  "http://dex-overlord:5557/health" "http://127.0.0.1:$P_OV/health"
check "the k8s init container's wait for the overlord ends at once when it is healthy" \
  timeout 10 "$NODE" "$WORK/wait-for-overlord-live.mjs"
set_connectors() {
  printf '%s' '[{"type":"local","id":"local"},{"type":"ldap","id":"corp","host":"127.0.0.1:'"$P_LDAP"'",' \
    '"baseDN":"ou=people,dc=example,dc=com","timeout":"1s"}]' | dexctl_admin "$P_OV" set-connector-configs -
}
check "dexctl (admin API) sets a local and an LDAP connector whose directory is down" set_connectors
dexctl_admin "$P_OV" new-client "https://rp.example/callback" >"$WORK/client.env"
# shellcheck disable=SC1091
. "$WORK/client.env"
if [ -n "${DEX_APP_CLIENT_ID:-}" ]; then ok "dexctl (admin API) creates a client"; else fail "dexctl (admin API) creates a client"; fi
# Each worker with its metrics on an address of its own, as dex-worker@.service and
# deploy/k8s/worker.yaml run them.
for n in 1 2; do
  port_var=P_W$n
  metrics_var=P_M$n
  start "worker$n" DEX_WORKER_DB_URL="file:$WORK/data/dex.db" DEX_WORKER_KEY_SECRETS="$KEY_SECRET" \
    DEX_WORKER_ISSUER="$ISSUER" DEX_WORKER_LISTEN="http://127.0.0.1:${!port_var}" \
    DEX_WORKER_METRICS_LISTEN="http://127.0.0.1:${!metrics_var}" dex-worker
done
wait_up worker1 "http://127.0.0.1:$P_W1/dex/.well-known/openid-configuration" || abort "worker1 did not start"
wait_up worker2 "http://127.0.0.1:$P_W2/dex/.well-known/openid-configuration" || abort "worker2 did not start"
health_names_the_directory() {
  [ "$(curl -sS -o "$WORK/health.json" -w '%{http_code}' "http://127.0.0.1:$P_W1/dex/health")" = 200 ] &&
    grep -q '"status":"degraded"' "$WORK/health.json" &&
    grep -q '"database":"ok"' "$WORK/health.json" && grep -q '"signing_key":"ok"' "$WORK/health.json" &&
    grep -q '"connector:corp":' "$WORK/health.json" || {
    cat "$WORK/health.json"
    return 1
  }
}
check "/dex/health answers 200 degraded naming the LDAP directory, with database and signing key ok" health_names_the_directory
metrics_on_their_own_address() {
  [ "$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P_W1/dex/metrics")" = 404 ] &&
    curl -fsS "http://127.0.0.1:$P_M1/metrics" | grep -q '^# TYPE dex_http_requests_total counter' &&
    [ "$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P_M1/health")" = 200 ]
}
check "--metrics-listen: /metrics and /health on the metrics address, <issuer>/metrics 404 on the public one" metrics_on_their_own_address
for n in 1 2; do
  port_var=P_W$n
  "$PY" "$DEPLOY/test/render.py" "$WORK/readiness.mjs" "$WORK/readiness-$n.mjs" "127.0.0.1:5556" "127.0.0.1:${!port_var}"
  check "k8s readiness probe passes on worker$n all the same (an upstream down must not unready every worker)" \
    "$NODE" "$WORK/readiness-$n.mjs"
done

section "Live: nginx in front of the two workers"
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" >"$WORK/logs/nginx.log" 2>&1 &
PIDS[nginx]=$!
CURL=(curl -sS --max-time 15 --cacert "$WORK/tls/fullchain.pem"
  --resolve "dex.example.com:$P_TLS:127.0.0.1" --resolve "dex.example.com:$P_HTTP:127.0.0.1")
PUBLIC=https://dex.example.com:$P_TLS
for _ in $(seq 1 40); do "${CURL[@]}" -o /dev/null "$PUBLIC/dex/keys" 2>/dev/null && break; sleep 0.25; done
# status URL: the HTTP status nginx answers.
status() { "${CURL[@]}" -o /dev/null -w '%{http_code}' "$1"; }
redirects_to_https() {
  "${CURL[@]}" -o /dev/null -w '%{http_code} %{redirect_url}' "http://dex.example.com:$P_HTTP/dex/.well-known/openid-configuration" |
    grep -x '301 https://dex.example.com/dex/.well-known/openid-configuration'
}
check "plain HTTP redirects to https" redirects_to_https
discovery='route="/dex/.well-known/openid-configuration",status="200"'
before1=$(requests_counted "$P_M1" "$discovery")
before2=$(requests_counted "$P_M2" "$discovery")
discovery_through_nginx() {
  local _
  for _ in $(seq 1 20); do
    [ "$("${CURL[@]}" -o "$WORK/discovery.json" -w '%{http_code}' "$PUBLIC/dex/.well-known/openid-configuration")" = 200 ] || return 1
  done
  grep -q "\"issuer\":\"$ISSUER\"" "$WORK/discovery.json"
}
check "20 discovery requests over TLS answered 200 with the issuer" discovery_through_nginx
after1=$(requests_counted "$P_M1" "$discovery")
after2=$(requests_counted "$P_M2" "$discovery")
if [ $((after1 - before1)) -gt 0 ] && [ $((after2 - before2)) -gt 0 ] && [ $((after1 - before1 + after2 - before2)) = 20 ]; then
  ok "both workers served them: $((after1 - before1)) and $((after2 - before2)) (their own /metrics)"
else
  fail "both workers served them: $((after1 - before1)) and $((after2 - before2))"
fi
token() {
  "${CURL[@]}" -o "$WORK/token.json" -w '%{http_code}' -u "$DEX_APP_CLIENT_ID:$DEX_APP_CLIENT_SECRET" \
    -d grant_type=client_credentials "$PUBLIC/dex/token"
}
tokens_through_nginx() {
  local _
  for _ in $(seq 1 "$1"); do
    [ "$(token)" = 200 ] || {
      cat "$WORK/token.json"
      return 1
    }
  done
  grep -q '"access_token"' "$WORK/token.json"
}
check "4 POST /dex/token (client_credentials) through nginx: 200" tokens_through_nginx 4
request_id=$("${CURL[@]}" -o /dev/null -D - "$PUBLIC/dex/keys" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-request-id" { print $2 }')
if [[ "$request_id" =~ ^[0-9a-f]{32}$ ]] && grep -qs "\"requestId\":\"$request_id\"" "$WORK/logs/worker1.log" "$WORK/logs/worker2.log"; then
  ok "nginx's \$request_id reaches the worker's log and comes back as X-Request-Id"
else
  fail "nginx's \$request_id reaches the worker's log (got X-Request-Id: ${request_id:-none})"
fi
check "/dex/metrics is not served through nginx (404)" test "$(status "$PUBLIC/dex/metrics")" = 404
check "/dex/health is served to 127.0.0.1 through nginx (200, degraded: the LDAP directory is down)" test "$(status "$PUBLIC/dex/health")" = 200

section "Live: Prometheus with alerts.yml scraping them"
prometheus --config.file="$WORK/prom/prometheus.yml" --storage.tsdb.path="$WORK/prom/data" \
  --web.listen-address="127.0.0.1:$P_PROM" >"$WORK/logs/prometheus.log" 2>&1 &
PIDS[prometheus]=$!
curl -fsS "http://127.0.0.1:$P_M1/metrics" >"$WORK/metrics/worker.txt"
curl -fsS -H "Authorization: Bearer $ADMIN_SECRET" "http://127.0.0.1:$P_OV/metrics" >"$WORK/metrics/overlord.txt"
for what in worker overlord; do
  # promtool's lint of the exposition format: shown, not enforced (the apps own their metrics).
  if promtool check metrics <"$WORK/metrics/$what.txt" >"$WORK/lint.out" 2>&1; then
    ok "promtool check metrics: the $what's /metrics"
  else
    echo "  note  promtool check metrics on the $what's /metrics:"
    sed 's/^/        /' "$WORK/lint.out"
  fi
done
for _ in $(seq 1 60); do curl -fsS -o /dev/null "http://127.0.0.1:$P_PROM/-/ready" 2>/dev/null && break; sleep 0.25; done

section "Live: one worker stops"
stop worker2
burst_started=$(date +%s)
check "20 GETs through nginx all answered 200" discovery_through_nginx
check "6 token POSTs through nginx all answered 200" tokens_through_nginx 6
# max_fails=3 within fail_timeout=10s, then one more try per fail_timeout (a slow machine).
allowed=$((3 + ($(date +%s) - burst_started) / 10))
refused=$(grep -c "connect() failed (111" "$WORK/nginx/error.log" || true)
if [ "$refused" -ge 1 ] && [ "$refused" -le "$allowed" ]; then
  ok "nginx tried the stopped worker $refused time(s), then skipped it (max_fails=3)"
else
  fail "nginx tried the stopped worker $refused times (expected 1 to $allowed)"
fi
check "the readiness probe fails on the stopped worker" sh -c "! '$NODE' '$WORK/readiness-2.mjs'"
check_shows "alerts and dashboard on the live Prometheus (check_live_metrics.py)" "$PY" "$DEPLOY/test/check_live_metrics.py" \
  --prometheus "http://127.0.0.1:$P_PROM" --alerts "$DEPLOY/prometheus/alerts.yml" \
  --dashboard "$DEPLOY/grafana/dex-dashboard.json" --exposition "$WORK/metrics/worker.txt" "$WORK/metrics/overlord.txt" \
  --up "127.0.0.1:$P_M1" --up "127.0.0.1:$P_OV" --down "127.0.0.1:$P_M2"

section "Live: online SQLite backup, and a restore that starts (docs/operations.md)"
check "sqlite3 .backup while the overlord and a worker write" sqlite3 "$WORK/data/dex.db" ".backup '$WORK/backup.db'"
check "VACUUM INTO while they write" sqlite3 "$WORK/data/dex.db" "VACUUM INTO '$WORK/vacuumed.db'"
check "both copies pass PRAGMA integrity_check" sh -c "
  sqlite3 '$WORK/backup.db' 'PRAGMA integrity_check' | grep -qx ok && sqlite3 '$WORK/vacuumed.db' 'PRAGMA integrity_check' | grep -qx ok"
cp "$WORK/backup.db" "$WORK/restore/dex.db"
[ "$(id -u)" = 0 ] && chown 10001:10001 "$WORK/restore/dex.db"
start restored DEX_OVERLORD_DB_URL="file:$WORK/restore/dex.db" DEX_OVERLORD_KEY_SECRETS="$KEY_SECRET" \
  DEX_OVERLORD_ADMIN_API_SECRET="$ADMIN_SECRET" DEX_OVERLORD_ADMIN_LISTEN="http://127.0.0.1:$P_OV2" dex-overlord
restored_is_whole() {
  grep -q 'database schema up to date' "$WORK/logs/restored.log" && dexctl_admin "$P_OV2" list-clients | grep -q "$DEX_APP_CLIENT_ID"
}
if wait_up restored "http://127.0.0.1:$P_OV2/health"; then
  check "the restored database is up to date, keeps the client and opens with the same key secret" restored_is_whole
  stop restored
fi

section "Live: everything stops cleanly"
kill -TERM "${PIDS[prometheus]}" && wait "${PIDS[prometheus]}" || true
unset "PIDS[prometheus]"
kill -QUIT "${PIDS[nginx]}" && wait "${PIDS[nginx]}" || true
unset "PIDS[nginx]"
stop worker1
stop overlord

finish
