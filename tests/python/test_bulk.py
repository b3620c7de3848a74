"""Policy.decide_lines, latticepol.decide_lines and latticepol.replay against
the per-request API and the CLI's `simulate --replay` on the same bytes."""

import gzip
import json
import mmap
import os
import subprocess
import sys

import pytest

import latticepol
from replay_data import emit_requests, mixed_lines

numpy = pytest.importorskip("numpy")

CODES = {"ALLOW": 0, "EXPLICIT_DENY": 1, "IMPLICIT_DENY": 2}


@pytest.fixture(scope="module")
def lines(cli, shared_dir, tmp_path_factory):
    canonical = emit_requests(cli, shared_dir / "scenario.yaml",
                              tmp_path_factory.mktemp("emit") / "requests.jsonl", 3000)
    return mixed_lines(canonical)


@pytest.fixture(scope="module")
def data(lines):
    return b"\n".join(lines) + b"\n"


@pytest.fixture(scope="module")
def data_path(data, tmp_path_factory):
    path = tmp_path_factory.mktemp("replay") / "traffic.jsonl"
    path.write_bytes(data)
    return path


def expected_code(policy, line):
    try:
        if b"requestMethod" in line:
            return None  # access-log record: checked through replay below
        return CODES[policy.evaluate(line.decode()).decision.value]
    except latticepol.RequestError:
        return 255


def test_decide_lines_matches_evaluate_line_by_line(policy, lines, data):
    out = policy.decide_lines(data)
    assert out.dtype == numpy.uint8
    non_blank = [l for l in lines if l.strip()]
    assert len(out) == len(non_blank)
    checked = 0
    for got, line in zip(out, non_blank):
        want = expected_code(policy, line)
        if want is not None:
            assert got == want, line
            checked += 1
    assert checked > 2900
    assert (out == 255).sum() > 20  # the malformed lines are there, and marked
    assert set(numpy.unique(out)) <= {0, 1, 2, 255}


def test_decide_lines_counts_match_the_cli_replay(policy, data, data_path, policy_path, cli):
    out = policy.decide_lines(data)
    cli_report = json.loads(subprocess.run(
        [cli, "simulate", "--replay", str(data_path), "--policy", str(policy_path),
         "--format", "json"], capture_output=True, text=True, timeout=120).stdout)
    assert int((out == 0).sum()) == cli_report["totals"]["ALLOW"]
    assert int((out == 1).sum()) == cli_report["totals"]["EXPLICIT_DENY"]
    assert int((out == 2).sum()) == cli_report["totals"]["IMPLICIT_DENY"]
    assert int((out == 255).sum()) == cli_report["malformed"]


def test_decide_lines_accepts_every_buffer(policy, data, data_path):
    want = policy.decide_lines(data)
    assert (policy.decide_lines(bytearray(data)) == want).all()
    assert (policy.decide_lines(memoryview(data)) == want).all()
    assert (policy.decide_lines(numpy.frombuffer(data, dtype=numpy.uint8)) == want).all()
    with open(data_path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        assert (policy.decide_lines(m) == want).all()
    assert (policy.decide_lines(data, threads=2) == want).all()
    assert (policy.decide_lines(data.replace(b"\n", b"\r\n")) == want).all()


def test_decide_lines_edge_cases(policy):
    assert len(policy.decide_lines(b"")) == 0
    assert len(policy.decide_lines(b"\n\n  \n")) == 0
    assert list(policy.decide_lines(b"{\n[]\nnull")) == [255, 255, 255]
    # No trailing newline: the last line still counts.
    blue = b'{"query":"q=blue","sourceVpcOwnerAccount":"111111111111"}'
    assert list(policy.decide_lines(blue)) == [0]
    # An over-long line is one invalid entry; the lines after it still count.
    huge = b'{"x":"' + b"a" * (5 << 20) + b'"}'
    assert list(policy.decide_lines(b"\n".join([blue, huge, blue, b"", blue]))) == [0, 255, 0, 0]
    with pytest.raises(TypeError):
        policy.decide_lines("text is not bytes")
    with pytest.raises(TypeError):
        policy.decide_lines(12)
    with pytest.raises(ValueError):
        policy.decide_lines(blue, format="csv")
    with pytest.raises(ValueError):
        policy.decide_lines(blue, threads=-1)
    # A non-contiguous buffer is refused, not misread.
    with pytest.raises((BufferError, ValueError, TypeError)):
        policy.decide_lines(memoryview(blue)[::2])


def test_decide_lines_formats(policy):
    log = (b'{"requestMethod":"GET","requestPath":"/","sourceVpcArn":'
           b'"arn:aws:ec2:us-east-1:111111111111:vpc/vpc-0b1e","callerPrincipal":"-"}')
    assert list(policy.decide_lines(log, format="accesslog")) == [2]  # logs carry no query
    assert list(policy.decide_lines(log, format="jsonl")) == [255]
    assert list(policy.decide_lines(log)) == [2]


def test_chain_decide_lines_matches_authorize(policy, lines):
    network = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke",
        "Resource": "*", "Condition": {"StringEquals": {"vpc-lattice-svcs:RequestMethod": "GET"}}}]}
    sample = [l for l in lines if l.strip() and b"requestMethod" not in l][:400]
    out = latticepol.decide_lines(b"\n".join(sample), service_policy=policy,
                                  network_policy=network, identity_decision="ALLOW")
    for got, line in zip(out, sample):
        try:
            r = latticepol.authorize(line.decode(), service_policy=policy, network_policy=network,
                                     identity_decision="ALLOW")
            assert got == CODES[r.decision.value], line
        except latticepol.RequestError:
            assert got == 255


def strip_timing(d):
    d = dict(d)
    d.pop("timing", None)
    return d


def cli_json(cli, *args):
    out = subprocess.run([cli, "simulate", *map(str, args), "--format", "json"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode in (0, 3), out.stderr
    return json.loads(out.stdout), out


def test_replay_report_is_the_clis(policy_path, data_path, cli, shared_dir):
    candidate = shared_dir / "generated" / "auth-policy.json"
    if not candidate.exists():
        candidate = policy_path
    want, out = cli_json(cli, "--replay", data_path, "--policy", policy_path,
                         "--shadow", candidate, "--samples", 3)
    report = latticepol.replay(data_path, policy_path, candidate=candidate, max_samples=3)
    assert strip_timing(report.to_dict()) == strip_timing(want)
    assert set(report.to_dict()) == set(want)  # the same keys, timing included
    assert report.lines == want["lines"]
    assert len(report.errors) == len(want["errors"]) > 0
    assert report.ok == (out.returncode == 0)
    text = subprocess.run([cli, "simulate", "--replay", str(data_path), "--policy",
                           str(policy_path), "--shadow", str(candidate), "--samples", "3"],
                          capture_output=True, text=True, timeout=120).stdout
    assert report.to_text(include_timing=False) == "".join(
        l for l in text.splitlines(keepends=True) if " MB/s" not in l)


def test_replay_of_a_buffer_and_threads(policy, data, data_path, policy_path):
    by_file = latticepol.replay(data_path, policy_path).to_dict(include_timing=False)
    by_buffer = latticepol.replay(data, policy, threads=2, source=str(data_path))
    assert by_buffer.to_dict(include_timing=False) == by_file


def test_replay_many_files_and_gzip_match_the_cli(policy_path, data, tmp_path, cli):
    half = data.index(b"\n", len(data) // 2) + 1
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl.gz"
    a.write_bytes(data[:half])
    with gzip.open(b, "wb") as f:
        f.write(data[half:])
    want, _ = cli_json(cli, "--replay", a, "--replay", b, "--policy", policy_path)
    report = latticepol.replay([a, b], policy_path).to_dict(include_timing=False)
    assert report == strip_timing(want)
    assert report["lines"] == data.count(b"\n")
    assert {e.get("source") for e in report["errors"]} <= {str(a), str(b)}
    # A glob gives the same inputs in sorted order.
    by_glob = latticepol.replay(str(tmp_path / "*.*"), policy_path).to_dict(include_timing=False)
    assert by_glob == report


def test_replay_report_pickles(policy_path, data_path):
    import pickle
    report = latticepol.replay(data_path, policy_path)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        copy = pickle.loads(pickle.dumps(report, protocol=protocol))
        assert copy.to_dict() == report.to_dict()


@pytest.mark.parametrize("inputs,exc", [
    ("/nonexistent/traffic.jsonl", OSError),
    ("/dev/zero", OSError),
    ("/", OSError),
    ("/nonexistent/*.jsonl", ValueError),
    ([], ValueError),
])
def test_replay_bad_inputs(policy_path, inputs, exc):
    with pytest.raises(exc):
        latticepol.replay(inputs, policy_path)


def test_replay_strict_stops_at_the_first_malformed_line(policy_path, data):
    report = latticepol.replay(data, policy_path, strict=True)
    assert report.stopped
    assert report.errors[0][1] == latticepol.replay(data, policy_path).errors[0][1]
    assert not latticepol.replay(data, policy_path).stopped


def test_replay_bad_options(policy_path, data):
    with pytest.raises(ValueError):
        latticepol.replay(data, policy_path, max_samples=-1)
    with pytest.raises(ValueError):
        latticepol.replay(data, policy_path, format="xml")


def test_corrupt_gzip_is_an_error_naming_the_file(policy_path, tmp_path):
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(gzip.compress(b'{"method":"GET"}\n' * 1000)[:-40])
    with pytest.raises(OSError) as info:
        latticepol.replay(bad, policy_path)
    assert str(bad) in str(info.value)


def test_module_imports_without_numpy(python_env, policy_path):
    code = ("import sys\n"
            "sys.modules['numpy'] = None  # makes `import numpy` fail\n"
            "import latticepol\n"
            "p = latticepol.Policy.from_file(%r)\n"
            "assert p.evaluate(query='q=blue').decision\n"
            "assert latticepol.replay(b'{}\\n', p).lines == 1\n"
            "try:\n"
            "    p.decide_lines(b'{}')\n"
            "except ImportError:\n"
            "    print('ok')\n" % str(policy_path))
    out = subprocess.run([sys.executable, "-c", code], env=python_env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_decide_lines_releases_the_gil(policy):
    from test_concurrency import _count_during, _spin_rate
    line = b'{"query":"q=blue&q=blue","sourceVpcOwnerAccount":"111111111111"}\n'
    data = line * 1000
    while True:  # grow until one call takes >= 0.3 s (many 5 ms switch intervals)
        _, elapsed = _count_during(lambda: policy.decide_lines(data))
        if elapsed >= 0.3 or len(data) >= 1 << 28:
            break
        data = data * 2
    attempts = []
    for _ in range(3):  # the machine may be busy
        rate = _spin_rate()
        during, elapsed = _count_during(lambda: policy.decide_lines(data))
        attempts.append((rate, during, elapsed))
        # A held GIL lets the counter move for a switch interval or two only.
        if during > 0.2 * rate * elapsed:
            break
    else:
        raise AssertionError("the counter did not advance during decide_lines: %r" % attempts)


def test_replay_report_pickle_keeps_deny_kind_changes(policy_path):
    # A candidate that turns an implicit deny into an explicit one: the count
    # must survive the pickle round trip that Dask uses between processes.
    import pickle
    seed = json.load(open(policy_path))
    candidate = dict(seed, Statement=seed["Statement"] + [{
        "Sid": "DenyPost", "Effect": "Deny", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke",
        "Resource": "*", "Condition": {"StringEquals": {"vpc-lattice-svcs:RequestMethod": "POST"}}}])
    line = b'{"method":"POST","query":"q=blue","sourceVpcOwnerAccount":"111111111111"}\n'
    report = latticepol.replay(line * 3, policy_path, candidate=latticepol.Policy.from_dict(candidate))
    assert report.to_dict()["shadow"]["denyKindChanged"] == 3
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(report, protocol=protocol)).to_dict() == report.to_dict()
