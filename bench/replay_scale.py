#!/usr/bin/env python3
"""Benchmark: Python bulk decisions and Dask replay against the CLI's replay.

Measures, on the same bytes (canonical request JSON Lines generated from the
shared scenario, SIZE_MB megabytes):

  1. `latticepol simulate --replay --threads 1` (the CLI's single-thread MB/s,
     wall time of the whole process) vs `Policy.decide_lines` on an mmap of
     the file (wall time of the call) and `latticepol.replay(..., threads=1)`;
  2. `latticepol.dask.replay` on a LocalCluster of 1 and 2 worker processes
     (one thread each, loopback, dashboard off) vs `simulate --replay
     --threads 2`;
  3. peak RSS (ru_maxrss of a child process) of the CLI replay, decide_lines
     and latticepol.replay on the input;

and prints a paper estimate for 1 TB on N workers from the measured
per-worker rate. Not a test: numbers depend on the machine and its load
(`uptime` is printed with them).

Usage (from the repository root, after tools/build.sh):
  PYTHONPATH=build/python /usr/bin/python3 bench/replay_scale.py [--size-mb 100] [--repeat 3]
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.environ.get("LATTICEPOL_CLI", os.path.join(ROOT, "build", "latticepol"))
SCENARIO = os.path.join(ROOT, "policies", "shared-service", "scenario.yaml")
POLICY = os.path.join(ROOT, "policies", "shared-service", "auth-policy.json")


def uptime():
    with open("/proc/loadavg") as f:
        return "load average " + " ".join(f.read().split()[:3])


def make_input(path, size_mb):
    """Concatenates an emitted stream until the file holds size_mb MB."""
    seed = path + ".seed"
    subprocess.run([CLI, "simulate", SCENARIO, "--count", "100000", "--emit-requests", seed],
                   check=True, capture_output=True)
    with open(seed, "rb") as f:
        chunk = f.read()
    os.remove(seed)
    target = size_mb * 1000 * 1000
    with open(path, "wb") as out:
        written = 0
        while written < target:
            piece = chunk[: target - written]
            piece = piece[: piece.rfind(b"\n") + 1]
            if not piece:
                break
            out.write(piece)
            written += len(piece)
    return os.path.getsize(path)


def _peak_rss_kib():
    """This process's peak RSS (VmHWM: reset by exec, unlike ru_maxrss, which
    a spawned worker inherits from the large benchmark process)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def best_of(repeat, fn):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


# Forks from a small process: a child forked from this (large) one would
# start with its RSS high-water mark, which survives exec.
_RSS_WRAPPER = """
import os, sys
pid = os.fork()
if pid == 0:
    fd = os.open(os.devnull, os.O_WRONLY); os.dup2(fd, 1); os.dup2(fd, 2)
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def child_rss_kb(argv, env=None):
    """Peak RSS (KiB) and wall seconds of a child process."""
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _RSS_WRAPPER, *argv], capture_output=True,
                         text=True, env=env, check=True).stdout.split()
    return int(out[0]), time.perf_counter() - t0, int(out[1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-dask", action="store_true")
    ap.add_argument("--blocksize-mb", type=int, default=None,
                    help="Dask partition size (default: the library's, "
                         "latticepol.dask.DEFAULT_BLOCKSIZE)")
    ap.add_argument("--rss-only", action="store_true")
    ap.add_argument("--dask-only", action="store_true",
                    help="only `simulate --replay --threads 2` and the Dask runs")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="latticepol-bench-")
    try:
        run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(args, tmp):
    import mmap

    import latticepol

    path = os.path.join(tmp, "traffic.jsonl")
    size = make_input(path, args.size_mb)
    mb = size / 1e6
    print("input: %s, %.1f MB, %d lines; %s" % (path, mb, sum(1 for _ in open(path, "rb")), uptime()))
    policy = latticepol.Policy.from_file(POLICY)
    env = dict(os.environ)

    # ---- 3. peak RSS -------------------------------------------------------------------
    py = sys.executable
    rss_cases = {
        "cli simulate --replay --threads 1": [CLI, "simulate", "--replay", path, "--policy", POLICY,
                                              "--threads", "1"],
        "python decide_lines (mmap)": [py, "-c", (
            "import mmap, latticepol\n"
            "p = latticepol.Policy.from_file(%r)\n"
            "f = open(%r, 'rb'); m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)\n"
            "d = p.decide_lines(m)\n") % (POLICY, path)],
        "python replay(path)": [py, "-c", (
            "import latticepol\n"
            "latticepol.replay(%r, %r)\n") % (path, POLICY)],
        "python import only": [py, "-c", "import latticepol, numpy"],
    }
    for name, argv in rss_cases.items():
        if args.dask_only:
            break
        rss, wall, rc = child_rss_kb(argv, env)
        print("peak RSS %-36s %7.1f MiB  (%.2f s, exit %d)" % (name, rss / 1024, wall, rc))
    if args.rss_only:
        return

    # ---- 1. single thread ---------------------------------------------------------------
    def cli_run(threads):
        out = subprocess.run([CLI, "simulate", "--replay", path, "--policy", POLICY, "--threads",
                              str(threads), "--format", "json"], capture_output=True, check=False)
        return json.loads(out.stdout)

    cli2 = best_of(args.repeat, lambda: cli_run(2))
    cpu0 = children_cpu()
    cli_run(2)
    cli2_cpu = children_cpu() - cpu0
    print("cli replay --threads 2:        %7.1f MB/s wall (%.3f s; %.2f CPU s)"
          % (mb / cli2, cli2, cli2_cpu))
    native_rate = None  # single-thread MB/s of the native path, for the paper estimate
    if not args.dask_only:
        cli1 = best_of(args.repeat, lambda: cli_run(1))
        rep = cli_run(1)
        print("cli replay --threads 1:        %7.1f MB/s wall (%.3f s; report says %.1f MB/s)"
              % (mb / cli1, cli1, rep["timing"]["megabytesPerSecond"]))
        with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
            dl = best_of(args.repeat, lambda: policy.decide_lines(m))
            dl_bytes = best_of(args.repeat, lambda: policy.decide_lines(m, threads=2))
        data = open(path, "rb").read()
        dl_mem = best_of(args.repeat, lambda: policy.decide_lines(data))
        del data
        print("decide_lines (mmap, 1 thread): %7.1f MB/s (%.3f s) = %.0f%% of the CLI"
              % (mb / dl, dl, 100 * cli1 / dl))
        print("decide_lines (bytes, 1 thread):%7.1f MB/s (%.3f s) = %.0f%% of the CLI"
              % (mb / dl_mem, dl_mem, 100 * cli1 / dl_mem))
        print("decide_lines (mmap, 2 threads):%7.1f MB/s (%.3f s)" % (mb / dl_bytes, dl_bytes))
        pr = best_of(args.repeat, lambda: latticepol.replay(path, policy))
        print("latticepol.replay(path):       %7.1f MB/s (%.3f s)" % (mb / pr, pr))
        native_rate = mb / dl

    # ---- 2. Dask -------------------------------------------------------------------------
    if args.skip_dask:
        return
    from distributed import Client, LocalCluster

    import latticepol.dask as ldask
    module_dir = os.path.dirname(os.path.dirname(os.path.abspath(latticepol.__file__)))
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (module_dir, os.environ.get("PYTHONPATH", "")) if p)
    rates = {}
    # Small partitions cost Dask about 3 ms of CPU each (8 MB ones halve the
    # per-worker rate), so the default is what latticepol.dask.replay uses.
    blocksize = (ldask.DEFAULT_BLOCKSIZE if args.blocksize_mb is None
                 else args.blocksize_mb << 20)
    for n in (1, 2):
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None) as cluster, Client(cluster) as client:
            ldask.replay(path, policy, client=client, blocksize=blocksize)  # warm the workers
            t = best_of(args.repeat, lambda: ldask.replay(path, policy, client=client,
                                                            blocksize=blocksize))
            # CPU seconds of one run: the workers' processes plus this client.
            w0, c0 = sum(client.run(time.process_time).values()), time.process_time()
            ldask.replay(path, policy, client=client, blocksize=blocksize)
            cpu = sum(client.run(time.process_time).values()) - w0 + time.process_time() - c0
            rss = max(client.run(_peak_rss_kib).values())
        rates[n] = mb / t
        print("dask LocalCluster %d worker(s): %7.1f MB/s (%.3f s; %.2f CPU s; worker peak RSS "
              "%.0f MiB) = %.0f%% of cli --threads 2"
              % (n, rates[n], t, cpu, rss / 1024, 100 * cli2 / t))
    print("dask scaling 1 -> 2 workers: x%.2f" % (rates[2] / rates[1]))
    # Paper estimate: 1 TB = 1e6 MB at the measured per-worker Dask rate (what
    # one single-core worker really delivered here, overheads included) and at
    # the native single-thread rate (the ceiling), assuming linear scaling.
    for label, rate in (("dask per-worker", rates[1]), ("native 1-thread", native_rate)):
        if rate is None:
            continue
        for workers in (8, 32, 128):
            minutes = 1e6 / (rate * workers) / 60
            print("paper: 1 TB on %3d workers at %.0f MB/s each (%s): %.0f min"
                  % (workers, rate, label, minutes))
    print(uptime())


if __name__ == "__main__":
    main()
