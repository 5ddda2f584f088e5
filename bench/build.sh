#!/usr/bin/env bash
# Build-time benchmark: `kiln build` of examples/hello-java against `javac && docker build`
# of the same function on the same base image, in three cases:
#
#   cold      Kiln: a fresh store holding only the kiln/java base (copied from a seed store
#             before every run). Docker: `docker build --no-cache` on the loaded base.
#   nochange  The same input built again, caches warm.
#   oneline   One line of Hello.java changed (a new string each run), then rebuilt.
#
# Both sides compile: Kiln compiles in-process, the Docker side runs the host's javac first,
# because the jlinked base has no javac. Times are whole-process wall times measured by
# hyperfine; the script prints medians, the ratio docker/kiln per case and, as its last line,
# one JSON object with every median. Assembling the Java base (jlink + CDS archive) happens
# once per store and host JDK and is reported on its own line.
#
# Usage, from anywhere in the repository (needs hyperfine, docker, skopeo, a JDK 17):
#   bash bench/build.sh            RUNS=5 bash bench/build.sh
# On a shared machine run it under the build lock: flock -o /tmp/kiln-mvn.lock bash bench/build.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
RUNS="${RUNS:-10}"
BASE_RUNS="${BASE_RUNS:-3}"
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3

for tool in hyperfine docker skopeo javac "$PYTHON"; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed (see .ci/run)" >&2; exit 1; }
done
[ "$RUNS" -ge 5 ] || { echo "bench: RUNS must be at least 5, got $RUNS" >&2; exit 1; }

bench_start_dockerd

RUN_ID="$$-$(date +%s)"
WORK="$(mktemp -d /tmp/kiln-bench.XXXXXX)"
BASE_IMAGE="kiln-bench-base:$RUN_ID"
DOCKER_IMAGE="kiln-bench-hello:$RUN_ID"
BENCH_LABEL="dev.kiln.bench=$RUN_ID"

cleanup() {
  local ids
  ids="$(docker images -aq --filter "label=$BENCH_LABEL" 2>/dev/null | sort -u)"
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086
    docker rmi -f $ids >/dev/null 2>&1 || true
  fi
  docker rmi -f "$BASE_IMAGE" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# Build Kiln now (the wrapper builds when stale) so no run below pays for it.
"$ROOT/kiln" --version >/dev/null
RUNNER_JAR="$(ls "$ROOT"/runtimes/java/target/kiln-runtime-java-*.jar | grep -v -e sources -e javadoc | head -1)"
[ -f "$RUNNER_JAR" ] || { echo "bench: runtimes/java/target/kiln-runtime-java-*.jar is missing" >&2; exit 1; }

# The function, copied so that the edits below leave the repository alone.
FN="$WORK/hello-java"
cp -r "$ROOT/examples/hello-java" "$FN"
HELLO="$FN/src/main/java/com/example/Hello.java"
grep -q '"world"' "$HELLO" || { echo "bench: $HELLO no longer has the line this script edits" >&2; exit 1; }
# The one-line change: the default name gets a new value on every call.
cat >"$WORK/edit.sh" <<EOF
#!/usr/bin/env bash
set -euo pipefail
sed -i -E 's/"world[^"]*"/"world-'"\$(date +%s%N)"'"/' "$HELLO"
EOF
chmod +x "$WORK/edit.sh"

median_ms() {
  "$PYTHON" -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$1"
}

bench() { # NAME, then hyperfine arguments
  local name="$1"
  shift
  echo "== $name" >&2
  hyperfine --style basic --export-json "$WORK/$name.json" "$@" >&2
}

KILN="$ROOT/kiln"
SEED="$WORK/seed"
STORE="$WORK/store"
CDS="${KILN_CLI_CDS:-on}"

# ./kiln records a class-data archive for the CLI on its first build (see the wrapper). Start
# without one and let the first build below that records it be a java function's, as on a
# fresh clone whose first build is a java function: the archive then holds javac's classes.
rm -rf "$ROOT/cli/target/cds"

# The kiln/java base (jlink of the host JDK with a CDS archive, plus the Kiln java runner),
# assembled into an empty store. The last run's store is the seed of the cold case, and its
# image is exported for Docker.
mkdir -p "$WORK/base"
printf 'FROM kiln/java\n' >"$WORK/base/Kilnfile"
bench base --runs "$BASE_RUNS" \
  --prepare "rm -rf '$SEED' '$WORK/base-oci'" \
  "KILN_CLI_CDS=off '$KILN' build '$WORK/base' -t '$BASE_IMAGE' --store '$SEED' --output 'oci:$WORK/base-oci'"
skopeo copy -q "oci:$WORK/base-oci:$BASE_IMAGE" "docker-daemon:$BASE_IMAGE"
cp -a "$SEED" "$WORK/first"
"$KILN" build "$FN" --store "$WORK/first" >/dev/null
rm -rf "$WORK/first"

# Kiln.
BUILD="'$KILN' build '$FN' -t hello-java:bench --store '$STORE'"
bench kiln_cold --warmup 1 --runs "$RUNS" --prepare "rm -rf '$STORE' && cp -a '$SEED' '$STORE'" "$BUILD"
bench kiln_nochange --warmup 1 --runs "$RUNS" "$BUILD"
bench kiln_oneline --warmup 1 --runs "$RUNS" --prepare "'$WORK/edit.sh'" "$BUILD"

# Docker: the same image contents on the same base; the host's javac compiles.
CTX="$WORK/docker"
mkdir -p "$CTX"
cat >"$CTX/Dockerfile" <<EOF
FROM $BASE_IMAGE
LABEL $BENCH_LABEL
COPY classes/ /opt/kiln/function/classes/
ENV KILN_HANDLER=com.example.Hello GREETING=Hello
LABEL dev.kiln.function=hello-java dev.kiln.runtime=java
EOF
JAVAC="javac --release 17 -encoding UTF-8 -proc:none -implicit:none -nowarn -cp '$RUNNER_JAR' -d '$CTX/classes' \$(find '$FN/src/main/java' -name '*.java')"
DOCKER="docker build -t '$DOCKER_IMAGE' '$CTX'"
bench docker_cold --warmup 1 --runs "$RUNS" "$JAVAC && docker build --no-cache -t '$DOCKER_IMAGE' '$CTX'"
bench docker_nochange --warmup 1 --runs "$RUNS" "$JAVAC && $DOCKER"
bench docker_oneline --warmup 1 --runs "$RUNS" --prepare "'$WORK/edit.sh'" "$JAVAC && $DOCKER"

# What the warm builds actually did: Kiln's own layer count, Docker's cache hits.
"$WORK/edit.sh"
ONELINE_OUT="$(eval "$BUILD")"
NOCHANGE_OUT="$(eval "$BUILD")"
ONELINE_LAYERS="$(grep -oE '\([0-9]+ of [0-9]+ layers built\)' <<<"$ONELINE_OUT" || true)"
NOCHANGE_LAYERS="$(grep -oE '\([0-9]+ of [0-9]+ layers built\)' <<<"$NOCHANGE_OUT" || true)"
eval "$JAVAC && $DOCKER" >/dev/null 2>&1
DOCKER_NOCHANGE_OUT="$(eval "$JAVAC && $DOCKER" 2>/dev/null)"
DOCKER_STEPS="$(grep -c '^Step ' <<<"$DOCKER_NOCHANGE_OUT" || true)"
DOCKER_CACHED="$(grep -c 'Using cache' <<<"$DOCKER_NOCHANGE_OUT" || true)"

KILN_COLD="$(median_ms "$WORK/kiln_cold.json")"
KILN_NOCHANGE="$(median_ms "$WORK/kiln_nochange.json")"
KILN_ONELINE="$(median_ms "$WORK/kiln_oneline.json")"
DOCKER_COLD="$(median_ms "$WORK/docker_cold.json")"
DOCKER_NOCHANGE="$(median_ms "$WORK/docker_nochange.json")"
DOCKER_ONELINE="$(median_ms "$WORK/docker_oneline.json")"
BASE="$(median_ms "$WORK/base.json")"

echo
echo "kiln build, one-line change:  $ONELINE_LAYERS"
echo "kiln build, no change:        $NOCHANGE_LAYERS"
echo "docker build, no change:      $DOCKER_CACHED of $((DOCKER_STEPS - 1)) steps from cache"
echo "kiln CLI class-data archive (KILN_CLI_CDS): $CDS"
echo "Java base assembly (jlink + CDS, once per store): ${BASE} ms (median of $BASE_RUNS)"
echo "Medians of $RUNS runs (hyperfine, after 1 warm-up), whole-process wall time:"
echo
"$PYTHON" - "$KILN_COLD" "$DOCKER_COLD" "$KILN_NOCHANGE" "$DOCKER_NOCHANGE" \
  "$KILN_ONELINE" "$DOCKER_ONELINE" <<'EOF'
import sys
v = [int(x) for x in sys.argv[1:]]
print(f"| {'case':<18} | {'kiln ms':>8} | {'docker ms':>9} | {'docker/kiln':>11} |")
print(f"| {'-' * 18} | {'-' * 7}: | {'-' * 8}: | {'-' * 10}: |")
for i, case in enumerate(["cold", "no change", "one-line change"]):
    k, d = v[2 * i], v[2 * i + 1]
    print(f"| {case:<18} | {k:>8} | {d:>9} | {d / k:>10.2f}x |")
EOF
echo
case "$ONELINE_LAYERS" in
  "(1 of "*) ;;
  *) echo "bench: expected the one-line change to build 1 layer, kiln said '$ONELINE_LAYERS'" >&2; exit 1 ;;
esac
printf '{"kiln_cold_ms":%s,"kiln_nochange_ms":%s,"kiln_oneline_ms":%s,"docker_cold_ms":%s,"docker_nochange_ms":%s,"docker_oneline_ms":%s,"base_assembly_ms":%s}\n' \
  "$KILN_COLD" "$KILN_NOCHANGE" "$KILN_ONELINE" "$DOCKER_COLD" "$DOCKER_NOCHANGE" "$DOCKER_ONELINE" "$BASE"
