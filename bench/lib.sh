# Shared by the bench/*.sh scripts; source it after cd-ing to the repository root.

# Builds Kiln (mvn -B -q package -DskipTests) when any of the given files is missing or any source
# is newer than the first of them, as ./kiln does.
bench_build_kiln() {
  local newest="$1" f stale=""
  for f in "$@"; do
    [ -e "$f" ] || stale=yes
  done
  if [ -z "$stale" ] && [ -n "$(find "$PWD" \( -name target -o -name .git -o -name node_modules \) -prune -o \
      \( -name '*.java' -o -name pom.xml -o -name '*.py' -o -name runner.js \
         -o -path '*/src/main/resources/*' \) -newer "$newest" -print -quit)" ]; then
    stale=yes
  fi
  if [ -n "$stale" ]; then
    echo "bench: building Kiln (mvn -B -q package -DskipTests)" >&2
    mvn -B -q package -DskipTests >&2
  fi
}

# Starts dockerd the way .ci/run does, unless it runs already.
bench_start_dockerd() {
  docker info >/dev/null 2>&1 && return 0
  echo "bench: starting dockerd (log: /tmp/dockerd.log)" >&2
  dockerd >/tmp/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "bench: dockerd did not start:" >&2
  tail -20 /tmp/dockerd.log >&2
  exit 1
}
