"""latticepol.simulate and latticepol.generate."""

import json
import os
import subprocess

import pytest

import latticepol

SCENARIO = """
policies:
  service: auth-policy.json
  serviceAuthType: AWS_IAM
count: 5000
seed: 7
callers:
  - name: blue
    sourceVpcOwnerAccount: "111111111111"
    mix:
      methods: {GET: 3, POST: 1}
      query: {q: {blue: 3, green: 1}}
expectations:
  - name: blue reads blue
    match: {caller: blue, method: GET, query: {q: blue}}
    expect: ALLOW
  - name: nothing else
    match: {caller: blue}
    expect: IMPLICIT_DENY
"""


def _deterministic(report):
    d = report.to_dict()
    d.pop("timing", None)
    d.pop("threads", None)
    return d


def test_simulate_shipped_scenario_matches_the_cli(cli, shared_dir):
    scenario = shared_dir / "scenario.yaml"
    report = latticepol.simulate(scenario, count=20000, threads=1)
    assert report.ok and bool(report) and report.violations == 0
    assert report["count"] == 20000
    assert "Expectations" in str(report)
    proc = subprocess.run([cli, "simulate", str(scenario), "--count", "20000", "--threads", "1",
                           "--format", "json", "--no-progress"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    cli_report = json.loads(proc.stdout)
    cli_report.pop("timing", None)
    cli_report.pop("threads", None)
    assert _deterministic(report) == cli_report


def test_simulate_is_deterministic_across_threads(shared_dir):
    one = latticepol.simulate(shared_dir / "scenario.yaml", count=40000, threads=1)
    two = latticepol.simulate(shared_dir / "scenario.yaml", count=40000, threads=2)
    assert _deterministic(one) == _deterministic(two)
    other_seed = latticepol.simulate(shared_dir / "scenario.yaml", count=40000, threads=1, seed=1)
    assert _deterministic(other_seed) != _deterministic(one)


def test_simulate_text_dict_and_violations(shared_dir):
    report = latticepol.simulate(SCENARIO, base_dir=str(shared_dir), threads=1)
    assert report.ok and report["count"] == 5000
    # Claim that blue may POST: violations, with samples.
    wrong = SCENARIO.replace("method: GET, query", "method: [GET, POST], query")
    report = latticepol.simulate(wrong, base_dir=str(shared_dir), threads=1)
    assert not report.ok and report.violations > 0
    # The same scenario as a dict.
    as_dict = {"policies": {"service": str(shared_dir / "auth-policy.json")}, "count": 5000, "seed": 7,
               "callers": [{"name": "blue", "sourceVpcOwnerAccount": "111111111111",
                            "mix": {"methods": {"GET": 3, "POST": 1}, "query": {"q": {"blue": 3, "green": 1}}}}],
               "expectations": [
                   {"name": "blue reads blue", "match": {"caller": "blue", "method": "GET", "query": {"q": "blue"}},
                    "expect": "ALLOW"},
                   {"name": "nothing else", "match": {"caller": "blue"}, "expect": "IMPLICIT_DENY"}]}
    from_dict = latticepol.simulate(as_dict, threads=1)
    from_text = latticepol.simulate(SCENARIO, base_dir=str(shared_dir), threads=1)
    assert from_dict["totals"] == from_text["totals"]


def test_simulate_shadow_policy(shared_dir):
    deny_all = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}]}
    report = latticepol.simulate(SCENARIO, base_dir=str(shared_dir), threads=1, shadow=deny_all,
                                 shadow_name="deny-all", include_timing=False)
    assert "timing" not in report.to_dict()
    assert "deny-all" in str(report)
    shadow = report["shadow"]
    assert shadow["policy"] == "deny-all"
    assert shadow["allowedToDenied"] > 0 and shadow["deniedToAllowed"] == 0


def test_simulate_shadow_checks_expectations_against_the_candidate(shared_dir):
    # Regression: a candidate that breaks the scenario used to report ok.
    allow_all = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Open", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}
    report = latticepol.simulate(SCENARIO, base_dir=str(shared_dir), threads=1, shadow=allow_all,
                                 shadow_name="open", include_timing=False)
    assert report.violations == 0
    assert report.candidate_violations > 0
    assert not report.ok and not report
    nothing_else = report["expectations"][1]["candidate"]
    assert nothing_else["violations"] == report.candidate_violations
    assert nothing_else["violationsByCaller"] == {"blue": report.candidate_violations}
    sample = nothing_else["samples"][0]
    assert sample["statement"] == "service #0 Open"
    assert "Open" in sample["explanation"]
    assert "violated by the candidate open" in str(report)


@pytest.mark.parametrize("count", [-1, (1 << 62) + 1, 1.5, True])
def test_simulate_refuses_counts_outside_the_format(shared_dir, count):
    with pytest.raises(ValueError, match="count must be"):
        latticepol.simulate(SCENARIO, base_dir=str(shared_dir), count=count)


def test_invalid_scenario_raises_scenario_error(shared_dir):
    bad = SCENARIO.replace("count: 5000", "count: many")
    with pytest.raises(latticepol.ScenarioError) as info:
        latticepol.simulate(bad, base_dir=str(shared_dir))
    issue = info.value.errors[0]
    assert issue.pointer == "/count"
    assert issue.line == bad.splitlines().index("count: many") + 1
    with pytest.raises(ValueError):
        latticepol.simulate({"callers": []}, base_dir=str(shared_dir))


def test_generate_matches_the_shipped_golden_files(shared_dir):
    files = latticepol.generate(shared_dir / "topology.yaml", shared_dir / "stack-outputs.example.json")
    assert isinstance(files, dict)
    assert sorted(files) == ["auth-policy.json", "blue-service/Pulumi.dev.yaml",
                             "common-service/Pulumi.dev.yaml", "green-service/Pulumi.dev.yaml",
                             "scenario.yaml"]
    for path, content in files.items():
        assert (shared_dir / "generated" / path).read_text() == content, path
    assert files.pending_commands == []
    assert files.classes_checked > 0
    assert files.policy_json == files["auth-policy.json"].rstrip("\n")
    # The generated policy passes the shipped cases.
    assert latticepol.check(latticepol.Policy.from_json(files.policy_json),
                            shared_dir / "cases.jsonl").ok


def test_generate_from_a_dict_with_dict_outputs(shared_dir):
    topology = {
        "sharedService": {"accountId": "444455556666", "region": "us-east-1", "serviceName": "svc",
                          "profile": "shared"},
        "consumers": [{"name": "blue", "project": "blue-service", "accountId": "111111111111",
                       "profile": "blue",
                       "methods": ["GET"], "query": {"q": ["blue"]}}],
    }
    without = latticepol.generate(topology)
    assert without.pending_commands and all(c.startswith("pulumi config set") for c in without.pending_commands)
    outputs = json.loads((shared_dir / "stack-outputs.example.json").read_text())
    outputs.pop("green-service-network-arn")
    files = latticepol.generate(topology, outputs)
    assert files.pending_commands == []
    policy = latticepol.Policy.from_json(files["auth-policy.json"])
    assert policy.evaluate(query="q=blue", source_vpc_owner_account="111111111111").allowed
    assert not policy.evaluate(query="q=blue", source_vpc_owner_account="222222222222").allowed


def test_generate_other_formats(shared_dir):
    for fmt, name in (("cloudformation", "cloudformation/auth-policy.template.json"),
                      ("terraform", "terraform/auth-policy.tf")):
        files = latticepol.generate(shared_dir / "topology.yaml", shared_dir / "stack-outputs.example.json",
                                    format=fmt)
        generated = [p for p in files if p != "auth-policy.json" and p != "scenario.yaml"]
        assert len(generated) == 1
        assert (shared_dir / "generated" / name).read_text() == files[generated[0]]
    with pytest.raises(ValueError):
        latticepol.generate(shared_dir / "topology.yaml", format="yaml")


def test_generate_merges_existing_stack_files_and_writes(shared_dir, tmp_path):
    stack = tmp_path / "blue-service" / "Pulumi.dev.yaml"
    stack.parent.mkdir()
    stack.write_text("config:\n  blue-service:keep-me: \"yes\"\n")
    files = latticepol.generate(shared_dir / "topology.yaml", shared_dir / "stack-outputs.example.json",
                                out_dir=tmp_path)
    assert "keep-me" in files["blue-service/Pulumi.dev.yaml"]
    assert stack.read_text() == "config:\n  blue-service:keep-me: \"yes\"\n"  # nothing written yet
    stack.chmod(0o640)
    with pytest.raises(FileExistsError) as info:
        files.write(tmp_path)  # the stack file has other content: not without force
    assert str(stack) in str(info.value)
    assert stack.read_text() == "config:\n  blue-service:keep-me: \"yes\"\n"
    assert not (tmp_path / "auth-policy.json").exists()  # all or nothing: refused before writing
    written = files.write(tmp_path, force=True)
    assert len(written) == len(files)
    assert "keep-me" in stack.read_text() and "lattice-network-arn" in stack.read_text()
    assert stack.stat().st_mode & 0o777 == 0o640
    assert not [p for p in tmp_path.rglob(".latticepol-tmp*")]
    assert files.write(tmp_path) == []  # everything is up to date


def test_generated_files_write_through_links_and_never_clobbers(tmp_path):
    files = latticepol.GeneratedFiles({"a/policy.json": "{}", "b.yaml": "x: 1\n"})
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "policy.json").write_text("old")
    (tmp_path / "a").symlink_to(tmp_path / "real")
    written = files.write(tmp_path, force=True)
    assert (tmp_path / "a").is_symlink() and (tmp_path / "real" / "policy.json").read_text() == "{}"
    assert (tmp_path / "b.yaml").read_text() == "x: 1\n" and len(written) == 2
    # A file that appears between the check and the publish is not clobbered.
    late = tmp_path / "late.txt"
    real_link = os.link

    def racing_link(src, dst, *args, **kwargs):
        if os.fspath(dst) == str(late):
            late.write_text("theirs")
        return real_link(src, dst, *args, **kwargs)

    os.link = racing_link
    try:
        with pytest.raises(FileExistsError):
            latticepol.GeneratedFiles({"late.txt": "ours"}).write(tmp_path)
    finally:
        os.link = real_link
    assert late.read_text() == "theirs"
    assert not [p for p in tmp_path.rglob(".latticepol-tmp*")]


def test_generate_errors(shared_dir):
    text = (shared_dir / "topology.yaml").read_text().replace('accountId: "111111111111"', 'accountId: "1111"')
    with pytest.raises(latticepol.TopologyError) as info:
        latticepol.generate(text)
    issue = info.value.errors[0]
    assert issue.pointer == "/consumers/0/accountId"
    assert issue.line == text.splitlines().index('    accountId: "1111"') + 1
    with pytest.raises(latticepol.TopologyError) as info:
        latticepol.generate(shared_dir / "topology.yaml", {"blue-service-network-arn": "nope"})
    assert info.value.errors
