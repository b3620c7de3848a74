"""Replay recorded traffic across a Dask cluster.

``latticepol.dask.replay`` gives the same report as ``latticepol simulate
--replay`` (and :func:`latticepol.replay`) on the same inputs, computed by
Dask workers::

    from distributed import Client
    import latticepol.dask

    client = Client("tcp://scheduler:8786")          # or LocalCluster(...)
    report = latticepol.dask.replay("logs/2024-06-*.jsonl.gz",
                                    "policies/shared-service/auth-policy.json",
                                    client=client)
    print(report)                                    # the CLI's text report

How the work is cut and put back together:

- Plain files are split into byte ranges of ``blocksize`` bytes; a range
  owns the lines that start in it, so no line is cut or read twice. Each
  range's line count is computed first (memchr over the memory-mapped file,
  nothing kept), so every partition is replayed knowing its first line
  number in the file: line numbers in errors and samples are those of one
  replay of the whole file. Workers map the file and replay their range in
  place: only small numbers and the partial reports travel between
  processes, and a worker's memory is its replay batch, whatever the file
  size (the files must be readable by the workers at the same path). Every
  task checks the file's size and modification time against those seen when
  the graph was built: a file that grew is replayed up to its old size, one
  truncated or rewritten meanwhile is an ``OSError`` naming it. (Truncating
  a file *while* a task reads its mapped bytes gets that worker killed by the
  OS, as for any program that maps a file; Dask then reports the task.)
- Compressed (``.gz``) files cannot be split: one partition each, read and
  decompressed natively by the worker.
- Partition edges are moved to the library's groups of 4,096 lines (a
  partition leaves its first lines, up to a group boundary, to the previous
  one, which reads on to that boundary), so each group's budget of reference
  checks for uncertain ids is spent on the same lines as in one replay.
- A ``dask.bag`` of text lines (e.g. ``dask.bag.read_text(...)``) is replayed
  partition by partition as one stream named ``<bag>``: counts, hits and
  line numbers are exact; the uncertain-id checks restart at each partition
  (``flagged`` is exact, ``checked``/``byId`` may be higher).
- Only the policy *text* travels to the workers; each worker process parses
  and compiles a policy once and keeps it (a small cache keyed by the text's
  SHA-256), and every partition it replays uses that compiled form (the
  native replay compiles nothing again). Per-caller identities
  (``identities=``) travel as one self-contained document (policies inline)
  and are cached the same way.
- Partial reports are merged exactly by the library (``MergeReplayReports``):
  counts and hits are sums; errors and samples are merged and the lowest line
  numbers kept, so the result does not depend on the number of workers or
  partitions.

Progress: with a distributed client, ``progress=True`` shows
``distributed.progress`` (and the scheduler's dashboard shows the tasks as
usual); with the local scheduler, ``dask.diagnostics.ProgressBar``.

From a shell (the same text or JSON report as the CLI)::

    python3 -m latticepol.dask replay --scheduler local:2 logs/*.jsonl --policy auth-policy.json
    python3 -m latticepol.dask replay --scheduler tcp://10.0.0.5:8786 FILES... --policy P
"""

from __future__ import annotations

import argparse
import errno
import glob as _glob
import hashlib
import mmap
import operator
import os
import sys
import threading
import time
from typing import Any, Dict, List, Optional, Sequence, Tuple

import dask
from dask import delayed

import latticepol as _lp
from latticepol import _latticepol as _core

__all__ = ["replay", "main"]

DEFAULT_BLOCKSIZE = 64 << 20  # bytes per partition of a plain file

_GZIP_MAGIC = b"\x1f\x8b"


# ---- What travels to the workers --------------------------------------------------------


def _policy_spec(value: Any, *, identity: bool = False, what: str = "policy") -> Optional[Tuple]:
    """A policy argument -> (text, lenient, identity) or None: plain data."""
    policy = _lp._as_policy(value, identity=identity, what=what)
    if policy is None:
        return None
    return (policy.text, policy.lenient, policy.identity)


_cache_lock = threading.Lock()
_policy_cache: Dict[Tuple, Any] = {}


def _cached(key: Tuple, make: Any) -> Any:
    """One object per key per worker process (at most 64 kept)."""
    with _cache_lock:
        value = _policy_cache.get(key)
        if value is None:
            if len(_policy_cache) >= 64:
                _policy_cache.clear()
            value = make()
            _policy_cache[key] = value
    return value


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _policy_from_spec(spec: Optional[Tuple]) -> Any:
    """Parses and compiles a shipped policy once per worker process."""
    if spec is None:
        return None
    return _cached(("policy", _digest(spec[0]), spec[1], spec[2]),
                   lambda: _lp.Policy.from_json(spec[0], lenient=spec[1], identity=spec[2]))


def _compile_count() -> int:
    """Policies compiled so far in this process (for tests: a worker compiles
    each shipped policy once, whatever the number of partitions)."""
    return int(_core.compile_count())


def _identities_from_spec(text: Optional[str]) -> Any:
    """Parses and compiles shipped identities once per worker process."""
    if text is None:
        return None
    return _cached(("identities", _digest(text)), lambda: _lp._load_identities(text))


def _replay_args(spec: Dict[str, Any], first_line: int = 0) -> Any:
    args = _lp._replay_args(
        _policy_from_spec(spec["policy"]), _policy_from_spec(spec["network_policy"]),
        _policy_from_spec(spec["identity_policy"]), spec["service_auth_type"],
        spec["network_auth_type"], spec["identity_decision"],
        _policy_from_spec(spec["candidate"]), spec["candidate_name"], spec["format"], False,
        spec["threads"], spec["max_samples"], spec["max_errors"],
        _identities_from_spec(spec.get("identities")))
    args.first_line = first_line
    return args


# ---- Tasks (run on the workers) ---------------------------------------------------------


class _MappedFile:
    """A plain file as it was when the graph was built, mapped read-only: the
    tasks slice it without copying (the native replay reads the slices in
    place, GIL released).

    ``snapshot`` is ``_snapshot(path)`` taken on the client. Every task
    checks it, so all partitions read the same bytes: a file truncated or
    rewritten since then (smaller, or the same size and another modification
    time) raises ``OSError`` naming it, instead of replaying a mix of two
    versions; a file that grew (a log still being written) is replayed up to
    its size at the snapshot, as one replay started then would read it. Only
    the snapshot's bytes are mapped. (Size and modification time, not the
    inode: workers on other hosts may see the file through another device.)"""

    def __init__(self, path: str, snapshot: Tuple[int, int]) -> None:
        self.path = path
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            size, mtime_ns = snapshot
            if st.st_size < size or (st.st_size == size and st.st_mtime_ns != mtime_ns):
                raise OSError(errno.ESTALE,
                              "%s changed while it was being replayed (it was %d bytes, now %d); "
                              "replay it again" % (path, size, st.st_size))
            self.size = size
            self.map = mmap.mmap(f.fileno(), size, access=mmap.ACCESS_READ) if size else None

    def __enter__(self) -> "_MappedFile":
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.map is not None:
            self.map.close()

    def after_line(self, i: int) -> int:
        """The offset after the line holding byte `i` (after its newline)."""
        if self.map is None or i >= self.size:
            return self.size
        nl = self.map.find(b"\n", i)
        return self.size if nl < 0 else nl + 1

    def bounds(self, start: int, end: int) -> Tuple[int, int]:
        """[pos, stop): the lines that start in [start, end)."""
        pos = 0 if start == 0 else self.after_line(start - 1)
        return pos, max(pos, self.after_line(end - 1))

    def with_slice(self, a: int, b: int, fn: Any) -> Any:
        if self.map is None or a >= b:
            return fn(b"")
        with memoryview(self.map) as view, view[a:b] as part:
            return fn(part)


def _snapshot(path: str) -> Tuple[int, int]:
    """What the tasks check a plain file against: size and modification time."""
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


def _count_range(path: str, snapshot: Tuple[int, int], start: int, end: int) -> int:
    """The number of lines that start in [start, end) of `path`."""
    with _MappedFile(path, snapshot) as f:
        pos, stop = f.bounds(start, end)
        return f.with_slice(pos, stop, _core.count_lines)


def _first_lines(counts: Sequence[int]) -> List[int]:
    """The first line number of each range (the earlier ranges' counts summed)."""
    out, total = [], 0
    for n in counts:
        out.append(total)
        total += n
    return out + [total]


def _aligned(f: _MappedFile, pos: int, stop: int, first_line: int,
             lines: int) -> Tuple[int, int, int]:
    """Moves a range's edges to the library's groups of REPLAY_GROUP_LINES
    lines: its first lines up to a group boundary belong to the previous
    range, which reads on to the next boundary. Each group is then replayed by
    one partition, so the per-group budget of reference checks is spent on the
    same lines as in one replay of the whole stream. `lines`: the range's line
    count. Returns (begin, end, first line number) of the bytes to replay."""
    group = _core.REPLAY_GROUP_LINES
    begin, skipped = pos, 0
    while skipped < (-first_line) % group and begin < stop:
        begin = f.after_line(begin)
        skipped += 1
    own_first = first_line + skipped
    if begin >= stop:
        return stop, stop, own_first
    lines -= skipped
    end = stop
    if f.map[stop - 1:stop] == b"\n":  # else the stream's last line: nothing follows
        for _ in range((-(own_first + lines)) % group):
            if end >= f.size:
                break
            end = f.after_line(end)
    return begin, end, own_first


def _replay_range(path: str, snapshot: Tuple[int, int], start: int, end: int, index: int,
                  first_lines: Sequence[int], spec: Dict[str, Any]) -> Any:
    with _MappedFile(path, snapshot) as f:
        pos, stop = f.bounds(start, end)
        first = first_lines[index]
        begin, finish, own_first = _aligned(f, pos, stop, first, first_lines[index + 1] - first)
        args = _replay_args(spec, own_first)
        return f.with_slice(begin, finish, lambda part: _core.replay_buffer(part, args, path))


def _count_lines(block: Any) -> int:
    return _core.count_lines(block)


def _bag_block(lines: Sequence[Any]) -> bytes:
    parts = []
    for line in lines:
        if isinstance(line, str):
            line = line.encode("utf-8", "surrogatepass")
        parts.append(bytes(line).rstrip(b"\n") + b"\n")
    return b"".join(parts)


def _replay_block(data: bytes, first_line: int, spec: Dict[str, Any], source: str) -> Any:
    return _core.replay_buffer(data, _replay_args(spec, first_line), source)


def _replay_file(path: str, spec: Dict[str, Any]) -> Any:
    """A whole (compressed) file, read and decompressed natively."""
    return _core.replay_files([path], _replay_args(spec))


# ---- The graph ----------------------------------------------------------------------------


def _offsets(blocks: List[Any]) -> Tuple[List[Any], List[Any]]:
    """The line count of each in-memory block (a bag's partitions) and its
    first line number (the sum of the earlier blocks' counts)."""
    counts: List[Any] = []
    offsets: List[Any] = []
    offset: Any = 0
    for block in blocks:
        offsets.append(offset)
        counts.append(delayed(_count_lines)(block))
        offset = delayed(operator.add, pure=True)(offset, counts[-1])
    return counts, offsets


def _stream_tasks(blocks: List[Any], spec: Dict[str, Any], source: str) -> List[Any]:
    """Replay tasks of consecutive in-memory blocks of one stream (a bag),
    each told its first line number. Counts, hits and line numbers are exact;
    the reference checks of uncertain ids restart at each partition edge
    (``flagged`` is exact, ``checked`` and ``byId`` may be higher)."""
    _, offsets = _offsets(blocks)
    return [delayed(_replay_block, pure=False)(block, offsets[i], spec, source)
            for i, block in enumerate(blocks)]


def _expand(paths: Any) -> List[str]:
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out: List[str] = []
    for p in paths:
        p = os.fspath(p)
        if any(c in p for c in "*?["):
            matches = sorted(_glob.glob(p))
            if not matches:
                raise ValueError("no file matches `%s`" % p)
            out.extend(matches)
        else:
            out.append(p)
    if not out:
        raise ValueError("replay needs at least one input")
    return out


def _is_compressed(path: str) -> bool:
    with open(path, "rb") as f:
        return f.read(2) == _GZIP_MAGIC


def _file_tasks(path: str, spec: Dict[str, Any], blocksize: int) -> List[Any]:
    # The library's file checks (regular file, readable) on the client first,
    # so a bad path fails fast with the CLI's message.
    if not os.path.isfile(path):
        _lp._read_file(path, 0)  # raises the OSError naming the path and reason
    if _is_compressed(path):
        return [delayed(_replay_file, pure=False)(path, spec)]
    snapshot = _snapshot(path)
    size = snapshot[0]
    starts = list(range(0, max(size, 1), blocksize))
    ends = [min(s + blocksize, size) for s in starts]
    # Pass 1: line counts (memchr over the mapped file, no data kept); one
    # small task turns them into first line numbers. Pass 2: each range is
    # replayed in place, told its first line number. Two tasks per range and
    # nothing but small numbers and reports travel between processes.
    counts = [delayed(_count_range, pure=False)(path, snapshot, s, e) for s, e in zip(starts, ends)]
    first_lines = delayed(_first_lines, pure=False)(counts)
    return [delayed(_replay_range, pure=False)(path, snapshot, s, e, i, first_lines, spec)
            for i, (s, e) in enumerate(zip(starts, ends))]


def _spec(policy: Any, network_policy: Any, identity_policy: Any, service_auth_type: Any,
          network_auth_type: Any, identity_decision: Any, candidate: Any,
          candidate_name: Optional[str], format: str, threads: int, max_samples: Any,
          max_errors: Any, identities: Any = None) -> Dict[str, Any]:
    loaded = _lp._load_identities(identities)
    spec = {
        # Self-contained (policies inline): workers need none of the files.
        "identities": None if loaded is None else loaded.to_json(),
        "policy": _policy_spec(policy),
        "network_policy": _policy_spec(network_policy, what="network_policy"),
        "identity_policy": _policy_spec(identity_policy, identity=True, what="identity_policy"),
        "service_auth_type": service_auth_type,
        "network_auth_type": network_auth_type,
        "identity_decision": _lp._name(identity_decision),
        "candidate": _policy_spec(candidate, what="candidate"),
        "candidate_name": _lp._candidate_name(candidate, candidate_name),
        "format": format,
        "threads": threads,
        "max_samples": max_samples,
        "max_errors": max_errors,
    }
    _replay_args(spec)  # validate every option here, not on a worker
    return spec


def replay(paths_or_bag: Any, policy: Any = None, *, candidate: Any = None,
           client: Any = None, blocksize: int = DEFAULT_BLOCKSIZE,
           network_policy: Any = None, identity_policy: Any = None,
           service_auth_type: Optional[str] = None, network_auth_type: Optional[str] = None,
           identity_decision: Any = None, candidate_name: Optional[str] = None,
           format: str = "auto", max_samples: Optional[int] = None,
           max_errors: Optional[int] = None, threads: int = 1,
           progress: bool = False, identities: Any = None) -> "_lp.ReplayReport":
    """Replays files (paths, globs, ``.gz``) or a ``dask.bag`` of lines on
    Dask and returns the :class:`latticepol.ReplayReport` that
    :func:`latticepol.replay` and ``latticepol simulate --replay`` give on
    the same inputs (timing aside).

    ``client``: a ``distributed.Client`` (default: the current one, if any,
    else Dask's default scheduler). ``blocksize``: bytes per partition of a
    plain file. ``threads``: native threads per partition (1 suits one Dask
    worker thread per core). The other arguments are those of
    :func:`latticepol.replay`.
    """
    if not isinstance(blocksize, int) or isinstance(blocksize, bool) or blocksize < 4096:
        raise ValueError("blocksize must be an int of at least 4096 bytes")
    spec = _spec(policy, network_policy, identity_policy, service_auth_type, network_auth_type,
                 identity_decision, candidate, candidate_name, format, threads, max_samples,
                 max_errors, identities)
    if hasattr(paths_or_bag, "to_delayed") and hasattr(paths_or_bag, "npartitions"):
        blocks = [delayed(_bag_block)(part) for part in paths_or_bag.to_delayed()]
        tasks = _stream_tasks(blocks, spec, "<bag>")
    else:
        tasks = []
        for path in _expand(paths_or_bag):
            tasks.extend(_file_tasks(path, spec, blocksize))
    start = time.monotonic()
    if client is None:
        try:
            from distributed import get_client
            client = get_client()
        except (ImportError, ValueError):
            client = None
    if client is not None:
        futures = client.compute(tasks)
        if progress:
            from distributed import progress as _progress
            _progress(futures)
        parts = client.gather(futures)
    elif progress:
        from dask.diagnostics import ProgressBar
        with ProgressBar():
            parts = list(dask.compute(*tasks))
    else:
        parts = list(dask.compute(*tasks))
    merged = _core.merge_replay_reports(list(parts), _replay_args(spec),
                                        time.monotonic() - start)
    return _lp.ReplayReport(merged)


# ---- Command line ---------------------------------------------------------------------------


def _client_for(scheduler: str) -> Tuple[Any, Any]:
    """ADDRESS -> (Client, None); local:N -> (Client, LocalCluster) on loopback."""
    from distributed import Client, LocalCluster
    if scheduler.startswith("local:"):
        try:
            n = int(scheduler[len("local:"):])
        except ValueError:
            n = 0
        if n < 1:
            raise ValueError("--scheduler local:N needs N >= 1 workers")
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        return Client(cluster), cluster
    return Client(scheduler), None


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m latticepol.dask",
        description="Replay recorded traffic across a Dask cluster; prints the report of "
                    "`latticepol simulate --replay` (exit 0, 3 on a certain disagreement "
                    "with a logged verdict, 4 for invalid input, 2 for usage errors).")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("replay", help="replay JSON Lines / access-log files on a cluster")
    p.add_argument("files", nargs="+", help="files, globs (quoted) or .gz files")
    p.add_argument("--scheduler", required=True,
                   help="a scheduler address (tcp://host:8786) or local:N for a LocalCluster "
                        "of N worker processes on 127.0.0.1")
    p.add_argument("--policy", required=True, help="the service policy")
    p.add_argument("--shadow", help="a candidate service policy evaluated on the same stream")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--replay-format", choices=("auto", "jsonl", "accesslog"), default="auto")
    p.add_argument("--identities", help="per-caller identity inputs (docs/formats/identities.md)")
    p.add_argument("--samples", type=int, default=None, help="sample requests kept per finding")
    p.add_argument("--blocksize", type=int, default=DEFAULT_BLOCKSIZE,
                   help="bytes per partition of a plain file (default 64 MiB)")
    p.add_argument("--progress", action="store_true", help="show Dask's progress bar")
    args = parser.parse_args(argv)
    try:
        client, cluster = _client_for(args.scheduler)
    except (ValueError, OSError) as e:
        print("latticepol.dask: %s" % e, file=sys.stderr)
        return 2
    try:
        report = replay(args.files, args.policy, candidate=args.shadow, client=client,
                        blocksize=args.blocksize, format=args.replay_format,
                        max_samples=args.samples, progress=args.progress,
                        identities=args.identities)
    except _lp.LatticepolError as e:
        print(str(e), file=sys.stderr)
        return 4
    except (OSError, ValueError) as e:
        print("latticepol.dask: %s" % e, file=sys.stderr)
        return 4
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    source = report.to_dict(include_timing=False)["source"]
    for file, line, column, message in report.errors:
        where = "%s:%d" % (file or source, line) + (":%d" % column if column > 0 else "")
        print("%s: error: %s" % (where, message), file=sys.stderr)
    if args.format == "json":
        sys.stdout.write(report._core.to_json(True))
    else:
        sys.stdout.write(report.to_text())
    return 0 if report.ok else 3


if __name__ == "__main__":
    # Run the imported module's main, not this __main__ copy: the tasks must
    # name functions of `latticepol.dask`, which the workers can import.
    from latticepol.dask import main as _main

    sys.exit(_main())
