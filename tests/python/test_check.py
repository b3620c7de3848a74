"""latticepol.check, agreement with `latticepol check`, and `python3 -m latticepol.check`."""

import json
import subprocess
import sys
import textwrap

import pytest

import latticepol
from latticepol import Decision

from conftest import BLUE


def test_shipped_cases_pass(policy, cases_path):
    report = latticepol.check(policy, cases_path)
    assert report.ok and bool(report)
    assert report.failed == 0 and report.failures == []
    assert report.passed == len(report.results) == 39
    assert str(report).endswith("39 passed, 0 failed")
    assert report.summary == "39 passed, 0 failed"
    assert repr(report) == "Report(39 passed, 0 failed)"
    assert report.results[0].line == 1 and report.results[0].expected is Decision.ALLOW
    verbose = report.to_text(verbose=True)
    assert verbose.count("PASS ") == 39
    assert report.to_dict()["passed"] == 39


def test_cases_as_text_path_string_and_list(policy, cases_path):
    text = cases_path.read_text()
    dicts = [json.loads(line) for line in text.splitlines() if line.strip()]
    for cases in (text, str(cases_path), dicts):
        assert latticepol.check(policy, cases).passed == 39
    # The policy as a dict, a path or JSON text.
    for pol in (policy.to_dict(), str(cases_path.parent / "auth-policy.json"), policy.text):
        assert latticepol.check(pol, dicts[:3]).passed == 3


def test_failures_carry_name_expected_got_and_explanation(policy):
    cases = [
        {"name": "blue ok", "request": BLUE, "expect": "ALLOW"},
        {"name": "blue wrongly expected denied", "request": BLUE, "expect": "IMPLICIT_DENY"},
        {"name": "green from blue", "request": dict(BLUE, query="q=green"), "expect": "ALLOW"},
        {"name": "skipped one", "request": BLUE, "expect": "ALLOW", "skip": "not yet"},
    ]
    report = latticepol.check(policy, cases)
    assert not report.ok and not bool(report)
    assert (report.passed, report.failed, report.skipped) == (1, 2, 1)
    names = [f.name for f in report.failures]
    assert names == ["blue wrongly expected denied", "green from blue"]
    first, second = report.failures
    assert first.expected is Decision.IMPLICIT_DENY and first.got is Decision.ALLOW
    assert first.line == 2
    assert "AllowBlue" in first.explanation
    assert second.got is Decision.IMPLICIT_DENY and "would pass with `q=blue`" in second.explanation
    assert second.layer is latticepol.Layer.SERVICE
    text = str(report)
    assert "FAIL blue wrongly expected denied (line 2)" in text
    assert "expected: IMPLICIT_DENY" in text
    assert text.endswith("1 passed, 2 failed, 1 skipped")
    assert report.results[3].skipped and report.results[3].skip_reason == "not yet"


def test_chain_cases_and_inline_policies(policy):
    cases = [
        {"name": "network AWS_IAM without policy", "request": BLUE, "expect": "IMPLICIT_DENY",
         "networkAuthType": "AWS_IAM"},
        {"name": "inline policy", "request": BLUE, "expect": "IMPLICIT_DENY",
         "policy": {"Version": "2012-10-17", "Statement": [
             {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
              "Condition": {"StringEquals": {"vpc-lattice-svcs:RequestMethod": "POST"}}}]}},
    ]
    report = latticepol.check(policy, cases)
    assert report.ok, str(report)
    assert report.results[0].chain and report.results[0].layer is latticepol.Layer.NETWORK
    # Without a default policy, cases with inline policies still run...
    assert latticepol.check(None, cases[1:]).ok
    # ...and cases without one are an input error.
    with pytest.raises(latticepol.CasesError) as info:
        latticepol.check(None, [{"name": "x", "request": BLUE, "expect": "ALLOW"}])
    assert info.value.issues[0].code == "case-no-policy"


def test_invalid_case_file_raises_cases_error_with_line(policy):
    text = (json.dumps({"name": "ok", "request": BLUE, "expect": "ALLOW"}) + "\n" +
            json.dumps({"name": "bad", "request": dict(BLUE, method=7), "expect": "ALLOW"}) + "\n")
    with pytest.raises(latticepol.CasesError) as info:
        latticepol.check(policy, text)
    assert isinstance(info.value, ValueError)
    issue = info.value.errors[0]
    assert issue.line == 2
    assert issue.pointer == "/request/method"
    assert issue.column == text.splitlines()[1].index("7") + 1
    with pytest.raises(latticepol.CasesError) as info:
        latticepol.check(policy, [{"name": "x", "request": BLUE, "expect": "ALLOWED"}])
    assert info.value.issues[0].pointer == "/expect" and info.value.issues[0].line == 1


def test_duplicate_case_names_are_warnings(policy):
    case = {"name": "same", "request": BLUE, "expect": "ALLOW"}
    report = latticepol.check(policy, [case, case])
    assert report.ok and [w.code for w in report.warnings] == ["duplicate-case-name"]


def test_import_of_the_check_module_keeps_check_callable(policy):
    import latticepol.check as check_module  # rebinds latticepol.check to the module
    assert callable(latticepol.check)
    assert latticepol.check(policy, [{"name": "a", "request": BLUE, "expect": "ALLOW"}]).ok
    assert check_module.main is not None


# ---- Agreement with the CLI ---------------------------------------------------


def _cli_check(cli, policy_path, cases_path):
    proc = subprocess.run([cli, "check", "--cases", str(cases_path), "--policy", str(policy_path),
                           "--format", "json"], capture_output=True, text=True)
    return proc.returncode, json.loads(proc.stdout)


def test_agrees_with_the_cli_on_the_shipped_cases(cli, policy_path, cases_path):
    code, cli_report = _cli_check(cli, policy_path, cases_path)
    assert code == 0
    report = latticepol.check(latticepol.Policy.from_file(policy_path), cases_path)
    assert len(cli_report["cases"]) == len(report.results) == 39
    for ours, theirs in zip(report.results, cli_report["cases"]):
        assert ours.name == theirs["name"]
        assert ours.got.value == theirs["got"], ours.name
        assert ours.expected.value == theirs["expected"]
        assert ours.layer.value == theirs["layer"]
        assert ours.uncertain == theirs["uncertain"]
        assert ours.passed == theirs["passed"]
    assert report.to_dict() == cli_report
    # Each case's request, evaluated one by one, gives the same decision too.
    policy = latticepol.Policy.from_file(policy_path)
    for line, theirs in zip(cases_path.read_text().splitlines(), cli_report["cases"]):
        case = json.loads(line)
        if any(k in case for k in ("networkPolicy", "networkAuthType", "serviceAuthType",
                                   "identityDecision", "policy")):
            continue
        assert policy.evaluate(case["request"]).decision.value == theirs["got"], case["name"]


def test_agrees_with_the_cli_on_failing_cases(cli, policy_path, tmp_path):
    lines = []
    for i, line in enumerate((policy_path.parent / "cases.jsonl").read_text().splitlines()):
        case = json.loads(line)
        if i % 3 == 0:  # flip every third expectation
            case["expect"] = "ALLOW" if case["expect"] != "ALLOW" else "EXPLICIT_DENY"
        lines.append(json.dumps(case))
    cases = tmp_path / "flipped.jsonl"
    cases.write_text("\n".join(lines) + "\n")
    code, cli_report = _cli_check(cli, policy_path, cases)
    assert code == 1
    report = latticepol.check(policy_path, cases)
    assert report.failed == cli_report["failed"] == 13
    assert report.to_dict() == cli_report
    cli_text = subprocess.run([cli, "check", "--cases", str(cases), "--policy", str(policy_path)],
                              capture_output=True, text=True).stdout
    assert str(report) == cli_text.rstrip("\n")


# ---- python3 -m latticepol.check ------------------------------------------------


def _run_module(args, env, cwd=None):
    return subprocess.run([sys.executable, "-m", "latticepol.check", *map(str, args)],
                          capture_output=True, text=True, env=env, cwd=cwd)


def test_module_exit_code_0_when_all_pass(python_env, policy_path, cases_path):
    proc = _run_module([policy_path, cases_path], python_env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("39 passed, 0 failed")


def test_module_exit_code_1_on_failure(python_env, policy_path, tmp_path):
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps({"name": "blue must be denied", "request": BLUE,
                                 "expect": "EXPLICIT_DENY"}) + "\n")
    proc = _run_module([policy_path, cases], python_env)
    assert proc.returncode == 1
    assert "FAIL blue must be denied (line 1)" in proc.stdout
    assert proc.stdout.strip().endswith("0 passed, 1 failed")
    proc = _run_module(["--format", "json", policy_path, cases], python_env)
    assert proc.returncode == 1 and json.loads(proc.stdout)["failed"] == 1


def test_module_exit_code_4_on_invalid_input(python_env, source_dir, cases_path, policy_path, tmp_path):
    bad_policy = source_dir / "policies" / "invalid" / "invalid-effect.json"
    proc = _run_module([bad_policy, cases_path], python_env)
    assert proc.returncode == 4
    assert "invalid-effect.json:1:48: /Statement/0/Effect: error:" in proc.stderr
    proc = _run_module([tmp_path / "missing.json", cases_path], python_env)
    assert proc.returncode == 4
    bad_cases = tmp_path / "bad.jsonl"
    bad_cases.write_text('{"name": "x", "request": {}, "expect": "ALLOW"}\n{"name": \n')
    proc = _run_module([policy_path, bad_cases], python_env)
    assert proc.returncode == 4
    assert "bad.jsonl:2:" in proc.stderr
    proc = _run_module([policy_path, tmp_path / "missing.jsonl"], python_env)
    assert proc.returncode == 4
    proc = _run_module(["no_such_module_xyz:POLICY", cases_path], python_env)
    assert proc.returncode == 4 and "cannot import" in proc.stderr


def test_module_exit_code_2_on_usage_error(python_env, policy_path):
    assert _run_module([policy_path], python_env).returncode == 2
    assert _run_module(["--no-such-flag", policy_path, policy_path], python_env).returncode == 2
    help_proc = _run_module(["--help"], python_env)
    assert help_proc.returncode == 0 and "module:attribute" in help_proc.stdout


def test_module_attribute_policy(python_env, policy_path, cases_path, tmp_path):
    (tmp_path / "stack_policy.py").write_text(textwrap.dedent("""
        import json
        AUTH_POLICY = json.loads(open(%r).read())
        BROKEN = {"Version": "2012-10-17", "Statement": [{"Effect": "allow"}]}
        NOT_A_POLICY = 42
    """ % str(policy_path)))
    proc = _run_module(["stack_policy:AUTH_POLICY", cases_path], python_env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("39 passed, 0 failed")
    proc = _run_module(["stack_policy:BROKEN", cases_path], python_env, cwd=tmp_path)
    assert proc.returncode == 4 and "invalid-effect" in proc.stderr
    proc = _run_module(["stack_policy:MISSING", cases_path], python_env, cwd=tmp_path)
    assert proc.returncode == 4 and "no attribute" in proc.stderr
    proc = _run_module(["stack_policy:NOT_A_POLICY", cases_path], python_env, cwd=tmp_path)
    assert proc.returncode == 4
