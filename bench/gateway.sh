#!/usr/bin/env bash
# Gateway benchmark: `kiln up` (every role in one process) serving examples/hello-python over HTTP,
# measured in one run:
#
#   1. peak          wrk through the gateway (`/fn/hello-python`, public) at increasing
#                    connections, default scaling (concurrency 1, up to 10 containers); the
#                    highest requests/s is the peak
#   2. overhead      the function held at one container (minScale = maxScale = 1, concurrency 64);
#                    at the connection count whose rps in 1 was nearest half the peak (and at 1
#                    connection), wrk through the gateway against dev.kiln.bench.SocketLoad with as
#                    many threads on that container's runner socket; overhead = gateway - direct,
#                    at p50 and p99
#   3. cold start    keep-alive 1 s: wait until the pool is empty, let the stem cell refill, then
#                    time one call with curl; the kiln_cold_starts_total metric tells whether each
#                    start took a stem cell
#
# Prints a table and, as its last line, one JSON object of the numbers.
#
# Usage, from anywhere in the repository, as root on a machine prepared by .ci/run's install
# step (needs java, runc, wrk, curl, python3):
#   bash bench/gateway.sh       CONNS="1 2 4 8 16 32 64" DURATION=10 COLD_RUNS=20 bash bench/gateway.sh
# On a shared machine run it under the build lock: flock -o /tmp/kiln-mvn.lock bash bench/gateway.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
CONNS="${CONNS:-1 2 4 8 16 32 64}"
DURATION="${DURATION:-10}"
COLD_RUNS="${COLD_RUNS:-20}"
FN=hello-python
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3

for tool in java wrk curl tar "$PYTHON"; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed (apt-get install wrk curl)" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "bench: containers need root" >&2; exit 1; }
[ "$COLD_RUNS" -ge 5 ] || { echo "bench: COLD_RUNS must be at least 5, got $COLD_RUNS" >&2; exit 1; }

# Build Kiln when the application or the harness is missing or any source is newer.
APP="$ROOT/gateway/target/quarkus-app/quarkus-run.jar"
JAR="$ROOT/bench/target/kiln-bench.jar"
bench_build_kiln "$JAR" "$APP" "$ROOT/bench/target/lib"

# Short: the node's socket paths live under it and must fit in 107 bytes.
WORK="$(mktemp -d /tmp/kg.XXXX)"
LOG="$WORK.log"
KILN_PID=""

cleanup() {
  if [ -n "$KILN_PID" ] && kill -0 "$KILN_PID" 2>/dev/null; then
    # SIGTERM: Kiln stops its containers, stem cells and the embedded PostgreSQL.
    kill -TERM "$KILN_PID" 2>/dev/null || true
    for _ in $(seq 1 600); do
      kill -0 "$KILN_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$KILN_PID" 2>/dev/null; then
      echo "bench: kiln up did not stop in 60 s; killing it" >&2
      kill -KILL "$KILN_PID" 2>/dev/null || true
    fi
    wait "$KILN_PID" 2>/dev/null || true
  fi
  local pg="$WORK/postgres/postmaster.pid"
  if [ -f "$pg" ]; then
    local pgpid
    pgpid="$(head -1 "$pg")"
    if [ -n "$pgpid" ] && kill -0 "$pgpid" 2>/dev/null; then
      kill -INT "$pgpid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pgpid" 2>/dev/null || break; sleep 0.1; done
    fi
  fi
  # What an interrupted run may have left: runc containers, mounts.
  local state id
  for state in "$WORK"/node/runc "$WORK"/node/crun; do
    [ -d "$state" ] || continue
    for id in $(runc --root "$state" list -q 2>/dev/null); do
      runc --root "$state" delete -f "$id" >/dev/null 2>&1 || true
    done
  done
  awk -v w="$WORK/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
    while read -r mnt; do umount -l "$mnt" 2>/dev/null || true; done
  if awk -v w="$WORK/" 'index($5, w) == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo; then
    echo "bench: $WORK is still mounted; left in place" >&2
  else
    rm -rf "$WORK"
    [ -n "${KEEP_LOG:-}" ] || rm -f "$LOG"
  fi
}
trap cleanup EXIT

PORT="$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"

echo "bench: $(nproc) CPUs, $(uname -r), $(java -version 2>&1 | head -1), $(wrk -v 2>&1 | head -1 | cut -c1-40)" >&2
echo "bench: starting kiln up on port $PORT, data dir $WORK (log: $LOG)" >&2
KILN_ROLES=all KILN_DATA_DIR="$WORK" KILN_HTTP_HOST=127.0.0.1 KILN_HTTP_PORT="$PORT" \
  KILN_NODE_STEM_CELLS=python=1 \
  java -jar "$APP" >"$LOG" 2>&1 &
KILN_PID=$!

fail() {
  echo "bench: $*; the end of the log:" >&2
  tail -30 "$LOG" >&2
  KEEP_LOG=1
  exit 1
}

for _ in $(seq 1 600); do
  curl -sf -o /dev/null "$BASE/q/health/ready" && break
  kill -0 "$KILN_PID" 2>/dev/null || fail "kiln up exited"
  sleep 0.5
done
curl -sf -o /dev/null "$BASE/q/health/ready" || fail "not ready in 300 s"
[ -f "$WORK/cli.json" ] || fail "no $WORK/cli.json"
KEY="$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["key"])' "$WORK/cli.json")"
AUTH=(-H "Authorization: Bearer $KEY")

api() { # METHOD PATH [JSON]
  if [ $# -ge 3 ]; then
    curl -sf "${AUTH[@]}" -X "$1" -H 'Content-Type: application/json' --data "$3" "$BASE$2"
  else
    curl -sf "${AUTH[@]}" -X "$1" "$BASE$2"
  fi
}
scaling() { api PATCH "/v1/functions/$FN" "{\"scaling\": $1}" >/dev/null || fail "PATCH scaling $1"; }
# Containers of the function the scheduler holds (starting, idle and busy).
pool_size() {
  api GET /v1/cluster | "$PYTHON" -c '
import json, sys
for f in json.load(sys.stdin)["functions"]:
    if f["name"] == sys.argv[1]:
        print(f["starting"] + f["idle"] + f["busy"]); break
else:
    print(0)' "$FN"
}
await_pool() { # SIZE: waits until the pool holds exactly SIZE containers
  for _ in $(seq 1 1200); do
    [ "$(pool_size)" -eq "$1" ] && return 0
    sleep 0.05
  done
  fail "the pool of $FN did not reach $1 containers in 60 s"
}
cold_starts() { # KIND (fresh, stem_cell): containers started for calls so far
  curl -sf "$BASE/q/metrics" | awk -v k="kind=\"$1\"" \
    '/^kiln_cold_starts_total/ && index($0, k) { sum += $NF } END { printf "%d\n", sum }'
}
threads() { if [ "$1" -lt 2 ]; then echo 1; else echo 2; fi; } # wrk needs threads <= connections
# wrk's summary as "rps p50_ms p99_ms non2xx errors".
wrk_run() { # CONNS SECONDS
  wrk -t"$(threads "$1")" -c"$1" -d"$2"s --latency "$BASE/fn/$FN" | "$PYTHON" -c '
import re, sys
text = sys.stdin.read()
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)$", v)
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
errors = re.search(r"Socket errors:\s+connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
print(rps, p50, p99, int(non2xx.group(1)) if non2xx else 0,
      sum(map(int, errors.groups())) if errors else 0)'
}

# Deploy, make public, warm.
tar -czf "$WORK/fn.tar.gz" -C "$ROOT/examples/$FN" .
curl -sf "${AUTH[@]}" -H 'Content-Type: application/gzip' --data-binary @"$WORK/fn.tar.gz" \
  "$BASE/v1/functions" >/dev/null || fail "deploy failed"
api PATCH "/v1/functions/$FN" '{"public": true}' >/dev/null || fail "PATCH public failed"
for _ in $(seq 1 20); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/fn/$FN")" = 200 ] || fail "warm-up call failed"
done
wrk -t2 -c8 -d3s "$BASE/fn/$FN" >/dev/null

RESULTS="$WORK/results"
: >"$RESULTS"
row() { echo "$*" >>"$RESULTS"; }

# 1. Peak: default scaling.
echo "bench: 1/3 peak, connections $CONNS, ${DURATION}s each" >&2
for c in $CONNS; do
  read -r rps p50 p99 non2xx errs < <(wrk_run "$c" "$DURATION")
  echo "bench:   c=$c rps=$rps p50=$p50 p99=$p99 non2xx=$non2xx errors=$errs containers=$(pool_size)" >&2
  row "sweep $c $rps $p50 $p99 $non2xx $errs"
done

# 2. Overhead on one warm container: scale to zero, then exactly one container.
echo "bench: 2/3 gateway against direct on one container" >&2
scaling '{"keepAliveSeconds": 1}'
await_pool 0
scaling '{"minScale": 1, "maxScale": 1, "concurrency": 64, "keepAliveSeconds": 600}'
await_pool 1
for _ in $(seq 1 20); do curl -sf -o /dev/null "$BASE/fn/$FN"; done
# The runner socket of the function's container: a fresh container's or a claimed stem cell's.
find_sock() {
  local f sock=""
  for f in "$WORK"/node/containers/*/function "$WORK"/node/cells/*/function; do
    [ -f "$f" ] && grep -q "$FN" "$f" && [ -S "$(dirname "$f")/sock/fn.sock" ] &&
      sock="$(dirname "$f")/sock/fn.sock"
  done
  [ -n "$sock" ] || fail "no runner socket of $FN under $WORK/node"
  echo "$sock"
}
HALF_C="$("$PYTHON" - "$RESULTS" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.startswith("sweep ")]
peak = max(float(r[2]) for r in rows)
print(min(rows, key=lambda r: abs(float(r[2]) - peak / 2))[1])
PY
)"
LOAD=(java -cp "$JAR:$ROOT/bench/target/lib/*" dev.kiln.bench.SocketLoad)
# Half of peak first (the goal's point), then one connection.
for c in $(echo "$HALF_C" 1 | tr ' ' '\n' | awk '!seen[$0]++'); do
  await_pool 1
  wrk -t"$(threads "$c")" -c"$c" -d3s "$BASE/fn/$FN" >/dev/null
  read -r rps p50 p99 non2xx errs < <(wrk_run "$c" "$DURATION")
  echo "bench:   gateway c=$c rps=$rps p50=$p50 p99=$p99 non2xx=$non2xx errors=$errs" >&2
  row "gateway $c $rps $p50 $p99 $non2xx $errs"
  await_pool 1
  SOCK="$(find_sock)"
  echo "bench:   socket $SOCK" >&2
  direct="$("${LOAD[@]}" "$SOCK" "$c" "$DURATION" 3)"
  echo "bench:   direct  c=$c $direct" >&2
  row "direct $c $(echo "$direct" | sed -E 's/[a-z0-9_]+=//g' | awk '{ print $3, $4, $5, $2, 0 }')"
done

# 3. Cold starts: keep-alive 1 s, one container at most.
echo "bench: 3/3 cold starts through the gateway, $COLD_RUNS runs" >&2
scaling '{"minScale": 0, "maxScale": 1, "concurrency": 1, "keepAliveSeconds": 1}'
for i in $(seq 1 "$COLD_RUNS"); do
  await_pool 0
  sleep 2 # the stem-cell pool refills (a start and 20 warm-up calls)
  before="$(cold_starts stem_cell)"
  t="$(curl -s -o /dev/null -w '%{http_code} %{time_total}' "$BASE/fn/$FN")"
  after="$(cold_starts stem_cell)"
  [ "${t% *}" = 200 ] || fail "cold call $i answered ${t% *}"
  kind=fresh
  [ "$after" -gt "$before" ] && kind=stem_cell
  echo "bench:   cold $i ${t#* } s $kind" >&2
  row "cold $kind ${t#* }"
done

"$PYTHON" - "$RESULTS" "$HALF_C" <<'PY'
import json, sys
rows = [l.split() for l in open(sys.argv[1])]
half_c = sys.argv[2]

def pct(values, q):
    v = sorted(values)
    rank = q * (len(v) - 1)
    lo, hi = int(rank), min(int(rank) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (rank - lo)

sweep = [r for r in rows if r[0] == "sweep"]
peak = max(sweep, key=lambda r: float(r[2]))
print("| through the gateway, default scaling | connections | rps | p50 ms | p99 ms | non-2xx | socket errors |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for r in sweep:
    print("| wrk | %s | %.0f | %.3f | %.3f | %s | %s |" % (r[1], float(r[2]), float(r[3]), float(r[4]), r[5], r[6]))
print()
print("| one warm container | connections | rps | p50 ms | p99 ms |")
print("| --- | ---: | ---: | ---: | ---: |")
pairs = {}
for r in rows:
    if r[0] in ("gateway", "direct"):
        pairs.setdefault(r[1], {})[r[0]] = r
        print("| %s | %s | %.0f | %.3f | %.3f |" % (
            "through the gateway (wrk)" if r[0] == "gateway" else "runner socket (SocketLoad)",
            r[1], float(r[2]), float(r[3]), float(r[4])))
for c, p in sorted(pairs.items(), key=lambda kv: int(kv[0])):
    print("| overhead (gateway - direct) | %s | | %.3f | %.3f |" % (
        c, float(p["gateway"][3]) - float(p["direct"][3]), float(p["gateway"][4]) - float(p["direct"][4])))
print()
cold = [float(r[2]) * 1000 for r in rows if r[0] == "cold" and r[1] == "stem_cell"]
fresh = [float(r[2]) * 1000 for r in rows if r[0] == "cold" and r[1] == "fresh"]
print("| cold start through the gateway | n | p50 ms | p99 ms |")
print("| --- | ---: | ---: | ---: |")
if cold:
    print("| stem cell | %d | %.2f | %.2f |" % (len(cold), pct(cold, 0.5), pct(cold, 0.99)))
if fresh:
    print("| fresh (no stem cell was ready) | %d | %.2f | %.2f |" % (len(fresh), pct(fresh, 0.5), pct(fresh, 0.99)))
print()

g, d = pairs[half_c]["gateway"], pairs[half_c]["direct"]
g1, d1 = pairs["1"]["gateway"], pairs["1"]["direct"]
out = {
    "peak_rps": round(float(peak[2])),
    "peak_connections": int(peak[1]),
    "half_peak_connections": int(half_c),
    "gateway_p50_ms": float(g[3]), "gateway_p99_ms": float(g[4]), "gateway_rps": round(float(g[2])),
    "direct_p50_ms": float(d[3]), "direct_p99_ms": float(d[4]), "direct_rps": round(float(d[2])),
    "overhead_p50_ms": round(float(g[3]) - float(d[3]), 3),
    "overhead_p99_ms": round(float(g[4]) - float(d[4]), 3),
    "overhead_c1_p50_ms": round(float(g1[3]) - float(d1[3]), 3),
    "overhead_c1_p99_ms": round(float(g1[4]) - float(d1[4]), 3),
    "cold_start_p50_ms": round(pct(cold, 0.5), 2) if cold else None,
    "cold_start_p99_ms": round(pct(cold, 0.99), 2) if cold else None,
    "cold_start_stem_cell_runs": len(cold),
    "cold_start_fresh_runs": len(fresh),
}
goals = [
    ("gateway overhead p50 at ~half of peak", "%.3f ms" % out["overhead_p50_ms"], "< 1 ms", out["overhead_p50_ms"] < 1),
    ("gateway overhead p99 at ~half of peak", "%.3f ms" % out["overhead_p99_ms"], "< 5 ms", out["overhead_p99_ms"] < 5),
    ("peak throughput", "%d rps" % out["peak_rps"], ">= 5000 rps", out["peak_rps"] >= 5000),
    ("stem-cell cold start through the gateway, p50", "%s ms" % out["cold_start_p50_ms"], "< 15 ms",
     bool(cold) and out["cold_start_p50_ms"] < 15),
]
print("| goal | measured | target | met |")
print("| --- | ---: | ---: | --- |")
for name, measured, target, met in goals:
    print("| %s | %s | %s | %s |" % (name, measured, target, "yes" if met else "no"))
print()
print(json.dumps(out, separators=(",", ":")))
PY
