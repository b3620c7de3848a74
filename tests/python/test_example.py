"""examples/pulumi_precheck.py: the README's Pulumi pre-deploy check."""

import json
import subprocess
import sys


def test_example_policy_is_the_shipped_policy(source_dir, policy_path):
    sys.path.insert(0, str(source_dir / "examples"))
    try:
        import pulumi_precheck
    finally:
        sys.path.pop(0)
    assert pulumi_precheck.AUTH_POLICY == json.loads(policy_path.read_text())
    policy = pulumi_precheck.precheck(pulumi_precheck.AUTH_POLICY)
    assert policy.sids == ["AllowBlue", "AllowGreen"]
    # A wrong policy (green's account swapped) is stopped.
    wrong = pulumi_precheck.build_policy([
        {"sid": "AllowBlue", "account": "111111111111", "q": "blue"},
        {"sid": "AllowGreen", "account": "111111111111", "q": "green"}])
    try:
        pulumi_precheck.precheck(wrong)
    except RuntimeError as e:
        assert "AllowGreen cannot read its own data" in str(e)
    else:
        raise AssertionError("the wrong policy passed the pre-check")


def test_example_runs_as_a_script_and_via_the_check_module(source_dir, python_env, cases_path):
    proc = subprocess.run([sys.executable, str(source_dir / "examples" / "pulumi_precheck.py")],
                          capture_output=True, text=True, env=python_env)
    assert proc.returncode == 0, proc.stderr
    assert "39 passed, 0 failed" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "latticepol.check", "pulumi_precheck:AUTH_POLICY",
                           str(cases_path)], capture_output=True, text=True, env=python_env,
                          cwd=source_dir / "examples")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("39 passed, 0 failed")
