"""Bad input to the Python API: every row must end in a clean Python
exception (never an interpreter abort, a hang, unbounded memory or a mangled
value). Each row reproduces a failure seen before the fix."""

import errno
import os
import pickle
import subprocess
import sys

import pytest

import latticepol

BAD_UTF8_POLICY = (b'{"Version":"2012-10-17","Statement":[{"Sid":"a\xff","Effect":"Allow",'
                   b'"Principal":"*","Action":"*","Resource":"*"}]}')
# Byte offset of the \xff in BAD_UTF8_POLICY, as a 1-based column.
BAD_UTF8_COLUMN = BAD_UTF8_POLICY.index(b"\xff") + 1


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_policy_pickles_with_every_protocol(policy, protocol):
    copy = pickle.loads(pickle.dumps(policy, protocol=protocol))
    assert copy == policy
    assert copy.evaluate(query="q=blue", source_vpc_owner_account="111111111111").decision \
        == policy.evaluate(query="q=blue", source_vpc_owner_account="111111111111").decision


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_extension_objects_pickle_with_every_protocol(policy, protocol):
    # The raw extension objects, pickled directly (protocols 0 and 1 used to
    # abort the interpreter with "instance allocation failed").
    core = pickle.loads(pickle.dumps(policy._core, protocol=protocol))
    assert core.canonical_json() == policy._core.canonical_json()
    request = latticepol.Request(query="q=blue")
    assert pickle.loads(pickle.dumps(request._core, protocol=protocol)).to_json() \
        == request.to_json()
    assert pickle.loads(pickle.dumps(request, protocol=protocol)) == request


def test_pickle_protocol_zero_in_a_child_does_not_abort(python_env, policy_path):
    # The original failure killed the interpreter: run it in a child process.
    code = ("import pickle, latticepol\n"
            "p = latticepol.Policy.from_file(%r)\n"
            "for proto in (0, 1):\n"
            "    pickle.loads(pickle.dumps(p._core, protocol=proto))\n"
            "    pickle.loads(pickle.dumps(p, protocol=proto))\n"
            "print('ok')\n" % str(policy_path))
    out = subprocess.run([sys.executable, "-c", code], env=python_env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_results_refuse_to_pickle_cleanly(policy):
    result = policy.evaluate(query="q=blue")
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        with pytest.raises(TypeError):
            pickle.dumps(result, protocol=protocol)


@pytest.mark.parametrize("path,exc,code", [
    ("/dev/zero", OSError, errno.EINVAL),
    ("/dev/null", OSError, errno.EINVAL),
    ("/", IsADirectoryError, errno.EISDIR),
])
def test_from_file_refuses_devices_and_directories(path, exc, code):
    with pytest.raises(exc) as info:
        latticepol.Policy.from_file(path)
    assert info.value.errno == code
    assert path in str(info.value)


def test_from_file_refuses_a_fifo_without_blocking(tmp_path):
    fifo = tmp_path / "policy.fifo"
    os.mkfifo(fifo)
    with pytest.raises(OSError) as info:
        latticepol.Policy.from_file(fifo)
    assert info.value.errno == errno.EINVAL
    assert "not a regular file" in str(info.value)


def test_from_file_refuses_a_file_over_the_policy_limit(tmp_path):
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(latticepol.MAX_POLICY_BYTES + 1)  # sparse: no real disk use
    with pytest.raises(OSError) as info:
        latticepol.Policy.from_file(big)
    assert info.value.errno == errno.EFBIG
    assert "1 MiB" in str(info.value)


def test_limits_are_the_clis(cli, tmp_path):
    # The CLI refuses the same file with the same message.
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(latticepol.MAX_POLICY_BYTES + 1)
    out = subprocess.run([cli, "validate", str(big)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 4
    with pytest.raises(OSError) as info:
        latticepol.Policy.from_file(big)
    assert info.value.strerror in out.stderr


@pytest.mark.parametrize("make", [
    lambda: latticepol.Policy.from_json(BAD_UTF8_POLICY),
    lambda: latticepol.Policy.from_json(bytearray(BAD_UTF8_POLICY)),
    lambda: latticepol.Policy.from_json(memoryview(BAD_UTF8_POLICY)),
    # A str holding the undecodable byte as a lone surrogate (surrogateescape).
    lambda: latticepol.Policy.from_json(BAD_UTF8_POLICY.decode("utf-8", "surrogateescape")),
], ids=["bytes", "bytearray", "memoryview", "surrogate-str"])
def test_invalid_utf8_is_a_located_policy_error(make):
    with pytest.raises(latticepol.PolicyError) as info:
        make()
    issue = info.value.errors[0]
    assert "utf-8" in issue.message
    assert (issue.line, issue.column) == (1, BAD_UTF8_COLUMN)


def test_invalid_utf8_file_is_a_located_policy_error_not_a_mangled_sid(tmp_path):
    path = tmp_path / "bad.json"
    path.write_bytes(BAD_UTF8_POLICY)
    with pytest.raises(latticepol.PolicyError) as info:
        latticepol.Policy.from_file(path)
    assert (info.value.errors[0].line, info.value.errors[0].column) == (1, BAD_UTF8_COLUMN)
    assert str(path) in str(info.value)


def test_from_json_rejects_other_types():
    with pytest.raises(TypeError):
        latticepol.Policy.from_json(42)


@pytest.mark.parametrize("kwargs,exc", [
    ({"max_samples": -1}, ValueError),
    ({"max_samples": 2**40}, ValueError),
    ({"max_samples": 1.5}, TypeError),
    ({"max_samples": True}, TypeError),
    ({"threads": -1}, ValueError),
    ({"threads": "2"}, TypeError),
])
def test_simulate_refuses_bad_numbers_cleanly(shared_dir, kwargs, exc):
    with pytest.raises(exc) as info:
        latticepol.simulate(shared_dir / "scenario.yaml", count=10, **kwargs)
    assert "vector" not in str(info.value)
    assert list(kwargs)[0] in str(info.value)


def test_other_input_files_use_the_shared_checks(policy):
    with pytest.raises(OSError) as info:
        latticepol.check(policy, "/dev/zero")
    assert info.value.errno == errno.EINVAL
