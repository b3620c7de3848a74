"""latticepol.dask: the Dask replay gives the CLI's report on the same
inputs, on a 2-process LocalCluster bound to loopback (started once for the
module and stopped at the end)."""

import gzip
import json
import os
import subprocess
import sys

import pytest

import latticepol
from replay_data import emit_requests, mixed_lines

distributed = pytest.importorskip("distributed")
ldask = pytest.importorskip("latticepol.dask")

BLOCK = 8192


@pytest.fixture(scope="module")
def client():
    # Worker processes import latticepol from the same place as this process.
    module_dir = os.path.dirname(os.path.dirname(os.path.abspath(latticepol.__file__)))
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (module_dir, os.environ.get("PYTHONPATH", "")) if p)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def inputs(cli, shared_dir, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dask")
    lines = mixed_lines(emit_requests(cli, shared_dir / "scenario.yaml", tmp / "emit.jsonl", 1500))
    # A malformed line starting exactly at a partition boundary, and one
    # straddling the next boundary.
    data = b""
    placed_at, straddles = False, False
    for line in lines:
        if not placed_at and len(data) + len(line) + 1 >= BLOCK:
            data += b"\n" * (BLOCK - len(data))  # blank lines up to the boundary
            data += b'{"at":"the boundary"}\n'
            placed_at = True
        if placed_at and not straddles and len(data) + len(line) + 1 >= 2 * BLOCK - 10:
            data += b"\n" * (2 * BLOCK - 10 - len(data))
            data += b'{"straddles": "the second boundary"}\n'
            straddles = True
        data += line + b"\n"
    assert placed_at and straddles
    plain = tmp / "traffic.jsonl"
    plain.write_bytes(data)
    gz = tmp / "more.jsonl.gz"
    with gzip.open(gz, "wb") as f:
        f.write(data[: len(data) // 3].rsplit(b"\n", 1)[0] + b"\n")
    return plain, gz


def strip_timing(d):
    d = dict(d)
    d.pop("timing", None)
    return d


def cli_report(cli, policy_path, *files, extra=()):
    replays = [arg for f in files for arg in ("--replay", str(f))]
    out = subprocess.run([cli, "simulate", *replays, "--policy",
                          str(policy_path), "--format", "json", *extra],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode in (0, 3), out.stderr
    return json.loads(out.stdout)


def test_boundary_lines_are_where_the_test_wants_them(inputs):
    data = inputs[0].read_bytes()
    assert data[BLOCK:].startswith(b'{"at":"the boundary"}')
    assert data[BLOCK - 1:BLOCK] == b"\n"


def test_dask_replay_of_a_split_file_is_the_clis(client, inputs, policy_path, cli):
    plain, _ = inputs
    want = cli_report(cli, policy_path, plain)
    got = ldask.replay(plain, policy_path, client=client, blocksize=BLOCK)
    d = got.to_dict(include_timing=False)
    assert d == strip_timing(want)
    assert os.path.getsize(plain) > 5 * BLOCK  # it really was split
    messages = [e["message"] for e in d["errors"]]
    assert any("`at`" in m for m in messages) and any("`straddles`" in m for m in messages)


def test_dask_replay_with_candidate_gz_and_many_files(client, inputs, policy_path, cli, shared_dir):
    plain, gz = inputs
    candidate = shared_dir / "generated" / "auth-policy.json"
    if not candidate.exists():
        candidate = policy_path
    want = cli_report(cli, policy_path, gz, plain, extra=("--shadow", str(candidate)))
    got = ldask.replay([gz, plain], policy_path, candidate=candidate, client=client,
                       blocksize=BLOCK)
    assert got.to_dict(include_timing=False) == strip_timing(want)
    assert got.to_dict(include_timing=False) == latticepol.replay(
        [gz, plain], policy_path, candidate=candidate).to_dict(include_timing=False)


def test_dask_compiles_once_per_worker_process(client, inputs, policy_path, cli, tmp_path):
    plain, _ = inputs
    # A policy text no worker has seen yet (the cache is keyed by the text).
    doc = json.loads(policy_path.read_text())
    doc["Id"] = "compile-once-%d" % os.getpid()
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps(doc, separators=(",", ":")))
    partitions = -(-os.path.getsize(plain) // BLOCK)
    assert partitions >= 20
    before = client.run(ldask._compile_count)
    got = ldask.replay([plain, plain], policy, client=client, blocksize=BLOCK)
    after = client.run(ldask._compile_count)
    compiled = sum(after[w] - before.get(w, 0) for w in after)
    assert 1 <= compiled <= 2, (compiled, partitions)  # once per worker, not per partition
    assert got.to_dict(include_timing=False) == strip_timing(cli_report(cli, policy, plain, plain))
    # Again: the workers keep it.
    ldask.replay(plain, policy, client=client, blocksize=BLOCK)
    assert client.run(ldask._compile_count) == after


def test_dask_replay_with_identities_is_the_clis(client, inputs, policy_path, cli, tmp_path):
    plain, gz = inputs
    ids = tmp_path / "ids.json"
    get_only = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
        "Condition": {"StringEquals": {"vpc-lattice-svcs:RequestMethod": "GET"}}}]}
    (tmp_path / "get-only.json").write_text(json.dumps(get_only, separators=(",", ":")))
    ids.write_text(json.dumps({
        "callers": [{"principal": "arn:aws:iam::111111111111:role/blue-service",
                     "identityPolicy": "get-only.json"}],
        "default": {"identityDecision": "IMPLICIT_DENY"}}))
    want = cli_report(cli, policy_path, plain, gz, extra=("--identities", str(ids)))
    got = ldask.replay([plain, gz], policy_path, client=client, blocksize=BLOCK, identities=ids)
    assert got.to_dict(include_timing=False) == strip_timing(want)
    assert want != cli_report(cli, policy_path, plain, gz)  # the identities changed something


def test_dask_replay_edges_empty_and_unterminated_files(client, inputs, policy_path, cli,
                                                         tmp_path):
    plain, _ = inputs
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    cut = tmp_path / "cut.jsonl"
    data = plain.read_bytes()
    cut.write_bytes(data[: 3 * BLOCK + 100].rstrip(b"\n"))  # last line without a newline
    for files in ([empty], [cut], [empty, cut, empty]):
        want = cli_report(cli, policy_path, *files)
        got = ldask.replay(files, policy_path, client=client, blocksize=4096)
        assert got.to_dict(include_timing=False) == strip_timing(want), files


def test_dask_replay_of_a_bag(client, inputs, policy_path):
    import dask.bag as db
    plain, _ = inputs
    lines = plain.read_bytes().decode().splitlines()
    bag = db.from_sequence(lines, npartitions=7)
    got = ldask.replay(bag, policy_path, client=client).to_dict(include_timing=False)
    want = latticepol.replay(plain.read_bytes(), policy_path,
                             source="<bag>").to_dict(include_timing=False)
    # Exact except the reference-check sample of uncertain ids (documented).
    assert got["uncertain"]["flagged"] == want["uncertain"]["flagged"]
    assert got["uncertain"]["checked"] >= want["uncertain"]["checked"]
    got.pop("uncertain")
    want.pop("uncertain")
    assert got == want


def test_dask_module_cli_prints_the_clis_report(client, inputs, policy_path, cli, python_env):
    plain, gz = inputs
    address = client.scheduler.address
    assert address.startswith("tcp://127.0.0.1:")
    py = subprocess.run([sys.executable, "-m", "latticepol.dask", "replay", "--scheduler", address,
                         str(plain), str(gz), "--policy", str(policy_path), "--blocksize",
                         str(BLOCK)], env=python_env, capture_output=True, text=True, timeout=120)
    native = subprocess.run([cli, "simulate", "--replay", str(plain), "--replay", str(gz), "--policy",
                             str(policy_path)], capture_output=True, text=True, timeout=120)
    assert py.returncode == native.returncode, py.stderr
    drop = lambda text: [l for l in text.splitlines() if " MB/s" not in l]  # noqa: E731
    assert drop(py.stdout) == drop(native.stdout)
    # The report's errors are the CLI's, line for line. Anything else on stderr
    # can only be the Dask client's own teardown chatter under load (e.g.
    # "Future exception was never retrieved" from a heartbeat), never ours.
    ours = lambda text: [l for l in text.splitlines() if ": error: " in l]  # noqa: E731
    assert ours(native.stderr) and ours(py.stderr) == ours(native.stderr)
    assert native.stderr.splitlines() == ours(native.stderr)
    assert not [l for l in py.stderr.splitlines() if l.startswith("latticepol")], py.stderr
    pj = subprocess.run([sys.executable, "-m", "latticepol.dask", "replay", "--scheduler", address,
                         str(plain), "--policy", str(policy_path), "--format", "json"],
                        env=python_env, capture_output=True, text=True, timeout=120)
    assert strip_timing(json.loads(pj.stdout)) == strip_timing(cli_report(cli, policy_path, plain))


def test_dask_bad_inputs_fail_on_the_client(client, policy_path, tmp_path):
    with pytest.raises(FileNotFoundError):
        ldask.replay(tmp_path / "missing.jsonl", policy_path, client=client)
    with pytest.raises(OSError):
        ldask.replay("/dev/zero", policy_path, client=client)
    with pytest.raises(ValueError):
        ldask.replay(str(tmp_path / "*.none"), policy_path, client=client)
    with pytest.raises(ValueError):
        ldask.replay(tmp_path, policy_path, client=client, blocksize=10)
    with pytest.raises(ValueError):
        ldask.replay([], policy_path, client=client)
    with pytest.raises(latticepol.PolicyError):
        ldask.replay(tmp_path, {"Statement": 3}, client=client)


def test_dask_module_cli_usage_errors(python_env, policy_path):
    out = subprocess.run([sys.executable, "-m", "latticepol.dask", "replay", "--scheduler",
                          "local:0", "x.jsonl", "--policy", str(policy_path)], env=python_env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "local:N" in out.stderr


def test_dask_tasks_read_the_file_as_it_was_when_the_graph_was_built(tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_bytes(b"a\nb\n")
    snapshot = ldask._snapshot(str(path))
    # A log still being written: the tasks see only the bytes of the snapshot.
    with open(path, "ab") as f:
        f.write(b"c\n")
    with ldask._MappedFile(str(path), snapshot) as f:
        assert f.size == 4
        assert f.after_line(2) == 4
        assert f.with_slice(0, f.size, bytes) == b"a\nb\n"
    # Truncated, or rewritten in place with the same size: an error naming it.
    path.write_bytes(b"a\n")
    with pytest.raises(OSError, match="log.jsonl changed while it was being replayed"):
        ldask._MappedFile(str(path), snapshot)
    path.write_bytes(b"x\ny\n")
    os.utime(path, ns=(snapshot[1] + 10**9, snapshot[1] + 10**9))
    with pytest.raises(OSError, match="it was 4 bytes, now 4"):
        ldask._MappedFile(str(path), snapshot)
