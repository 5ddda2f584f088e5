"""A test function that reports what it sees of its container, or misbehaves on request.

?mode=inspect (default) answers JSON: the pids it can see in /proc, the network interfaces in
/sys/class/net, whether / and /tmp are writable, and its cgroup limits.
?mode=print writes a line to stdout and one to stderr. ?mode=hog allocates far past any limit,
?mode=fork forks until the pids limit stops it, ?mode=loop never returns.
"""

import json
import os
import sys
import time
from urllib.parse import parse_qs


def _read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError as e:
        return "error: %s" % e.strerror


def _writable(directory):
    try:
        path = os.path.join(directory, ".probe-%d" % os.getpid())
        with open(path, "w") as f:
            f.write("x")
        os.remove(path)
        return True
    except OSError:
        return False


def _limits():
    if os.path.exists("/sys/fs/cgroup/cgroup.controllers"):
        return {
            "memory": _read("/sys/fs/cgroup/memory.max"),
            "pids": _read("/sys/fs/cgroup/pids.max"),
            "cpu": _read("/sys/fs/cgroup/cpu.max"),
            "weight": _read("/sys/fs/cgroup/cpu.weight"),
        }
    return {
        "memory": _read("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
        "pids": _read("/sys/fs/cgroup/pids/pids.max"),
        "cpu": _read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"),
        "weight": _read("/sys/fs/cgroup/cpu/cpu.shares"),
    }


def _fork_bomb():
    forked = 0
    while True:
        try:
            pid = os.fork()
        except OSError:
            return "forked %d processes before the pids limit stopped it" % forked
        if pid == 0:
            # The children never return to the runner: they keep forking and sleeping.
            while True:
                try:
                    os.fork()
                except OSError:
                    time.sleep(0.05)
        forked += 1


def handle(request):
    mode = parse_qs(request.query).get("mode", ["inspect"])[0]
    if mode == "print":
        print("probe says hello on stdout", flush=True)
        print("probe says hello on stderr", file=sys.stderr, flush=True)
        return "printed"
    if mode == "hog":
        hog = []
        while True:
            hog.append(b"x" * (16 * 1024 * 1024))
    if mode == "fork":
        return _fork_bomb()
    if mode == "loop":
        while True:
            pass
    pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
    return {
        "pids": pids,
        "net": sorted(os.listdir("/sys/class/net")),
        "rootWritable": _writable("/"),
        "tmpWritable": _writable("/tmp"),
        "hostname": os.uname().nodename,
        "limits": _limits(),
        "greeting": os.environ.get("GREETING"),
    }
