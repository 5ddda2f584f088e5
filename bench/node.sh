#!/usr/bin/env bash
# Runtime-node benchmark: how fast the node starts and calls functions, against runc and Docker
# on the same image (examples/hello-python), all measured in one run:
#
#   1. runc_run        `runc run` of a `runc spec` bundle on the image's unpacked rootfs, running
#                      a trivial process (the image's dynamic loader printing its version)
#   2. fresh_launch    the same process through the node's launch path: overlay mount, bundle,
#                      `runc run --detach`, wait for the exit, removal (ContainerLauncher.start)
#   3. docker          `docker run -d` of the image (loaded with skopeo) to the runner's first
#                      HTTP answer on its socket, bind-mounted from the host
#   4. fresh           a fresh container through the engine (StartMode.FRESH) to its first answer
#   5. stemcell_*      a stem cell (StartMode.STEM_CELL) to its first answer, for python, node and
#                      java; the pool is refilled (not timed) before each
#   6./7. warm         invocations of a started container through the engine, alternating with
#                      the same request sent straight to its runner's socket; overhead = 6 - 7
#
# The harness is dev.kiln.bench.NodeBench (bench/, kiln-bench). It prints p50 and p99 per
# measurement, the ratios the goals name and, as its last line, one JSON object of medians.
#
# Usage, from anywhere in the repository, as root on a machine prepared by .ci/run's install
# step (needs java, runc, umoci, skopeo, docker, python3):
#   bash bench/node.sh            RUNS=50 WARM_RUNS=5000 bash bench/node.sh
# On a shared machine run it under the build lock: flock -o /tmp/kiln-mvn.lock bash bench/node.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
RUNS="${RUNS:-40}"
WARMUP="${WARMUP:-3}"
WARM_RUNS="${WARM_RUNS:-2000}"
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3
# The trivial process of measurements 1 and 2: the smallest program in the python image. Its
# base has no /bin/true; the dynamic loader runs on its own and exits after printing a line.
TRIVIAL="/lib64/ld-linux-x86-64.so.2 --version"

for tool in java runc umoci skopeo docker "$PYTHON"; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed (see .ci/run)" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "bench: containers need root" >&2; exit 1; }
[ "$RUNS" -ge 5 ] || { echo "bench: RUNS must be at least 5, got $RUNS" >&2; exit 1; }
[ "$WARM_RUNS" -ge 100 ] || { echo "bench: WARM_RUNS must be at least 100, got $WARM_RUNS" >&2; exit 1; }

# Build Kiln when the harness is missing or any source is newer (as ./kiln does).
JAR="$ROOT/bench/target/kiln-bench.jar"
bench_build_kiln "$JAR" "$ROOT/bench/target/lib"

bench_start_dockerd

RUN_ID="$$-$(date +%s)"
# Short: the node's socket paths live under it and must fit in 107 bytes.
WORK="$(mktemp -d /tmp/kiln-bench.XXXXXX)"
DOCKER_IMAGE="kiln-bench-node:$RUN_ID"
BENCH_LABEL="dev.kiln.bench=$RUN_ID"

cleanup() {
  local ids state
  ids="$(docker ps -aq --filter "label=$BENCH_LABEL" 2>/dev/null)"
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086
    docker rm -f $ids >/dev/null 2>&1 || true
  fi
  docker rmi -f "$DOCKER_IMAGE" >/dev/null 2>&1 || true
  # What an interrupted harness may have left: runc containers, mounts, cgroups.
  for state in "$WORK"/raw-state "$WORK"/launch/runc "$WORK"/node/runc; do
    [ -d "$state" ] || continue
    for id in $(runc --root "$state" list -q 2>/dev/null); do
      runc --root "$state" delete -f "$id" >/dev/null 2>&1 || true
    done
  done
  awk -v w="$WORK/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
    while read -r mnt; do umount -l "$mnt" 2>/dev/null || true; done
  find /sys/fs/cgroup -mindepth 1 -maxdepth 4 -depth -type d -name 'kiln-bench-*' \
    -exec rmdir {} + 2>/dev/null || true
  if awk -v w="$WORK/" 'index($5, w) == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo; then
    echo "bench: $WORK is still mounted; left in place" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

BENCH=(java -cp "$JAR:$ROOT/bench/target/lib/*" dev.kiln.bench.NodeBench)

# The images: the three examples and the bare runtime images of their stem cells, built by Kiln
# into a store of this run; hello-python exported for skopeo.
"${BENCH[@]}" prepare --work "$WORK" --repo "$ROOT" --export hello-python
skopeo copy -q "oci:$WORK/oci:hello-python" "docker-daemon:$DOCKER_IMAGE"

# The baseline bundle: the image unpacked once by umoci, runc's default config with the trivial
# process, no terminal, the rest as `runc spec` writes it (read-only root, no limits).
mkdir -p "$WORK/raw"
umoci raw unpack --image "$WORK/oci:hello-python" "$WORK/raw/rootfs"
[ -e "$WORK/raw/rootfs${TRIVIAL%% *}" ] || [ -L "$WORK/raw/rootfs${TRIVIAL%% *}" ] ||
  { echo "bench: the image has no ${TRIVIAL%% *}" >&2; exit 1; }
runc spec --bundle "$WORK/raw"
"$PYTHON" - "$WORK/raw/config.json" "$TRIVIAL" <<'PY'
import json, sys
path, process = sys.argv[1], sys.argv[2].split(" ")
config = json.load(open(path))
config["process"]["terminal"] = False
config["process"]["args"] = process
config["root"] = {"path": "rootfs", "readonly": True}
json.dump(config, open(path, "w"), indent=2)
PY

echo "bench: $(nproc) CPUs, $(uname -r), $(runc --version | head -1), docker $(docker version -f '{{.Server.Version}}')" >&2
"${BENCH[@]}" run --work "$WORK" --repo "$ROOT" --runs "$RUNS" --warmup "$WARMUP" \
  --warm-runs "$WARM_RUNS" --docker-image "$DOCKER_IMAGE" --label "$BENCH_LABEL" \
  --raw-bundle "$WORK/raw" --runc "$(command -v runc)" --process "$TRIVIAL"
