"""Replay fidelity: per-caller identity inputs (``identities=`` /
``--identities``), ``aws:SourceIp`` from the access log's ``sourceIpPort``,
and uncertain records per request class; the Python report's ``to_dict()``
equals the CLI's JSON report on the same inputs."""

import json
import subprocess

import pytest

import latticepol

ROLE = "arn:aws:iam::111111111111:role/blue"
SESSION = "arn:aws:sts::111111111111:assumed-role/blue/batch"
USER = "arn:aws:iam::222222222222:user/u"
GET_ONLY = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
    "Condition": {"StringEquals": {"vpc-lattice-svcs:RequestMethod": "GET"}}}]}
SERVICE = {"Version": "2012-10-17", "Statement": [
    {"Sid": "FromTheVpc", "Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke",
     "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/16"}}},
    {"Sid": "Tagged", "Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke",
     "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}}}]}


def record(caller, method, denied=False, ip_port=None):
    r = {"startTime": "2024-06-11T10:00:00Z",
         "sourceVpcArn": "arn:aws:ec2:us-east-1:111111111111:vpc/vpc-0b1e",
         "requestMethod": method, "requestPath": "/items", "callerPrincipal": caller,
         "authDeniedReason": "Service" if denied else "-", "responseCode": 403 if denied else 200}
    if ip_port is not None:
        r["sourceIpPort"] = ip_port
    return json.dumps(r)


LINES = [
    record(SESSION, "GET", ip_port="10.0.3.4:50000"),          # allowed by the source IP
    record(SESSION, "PUT", ip_port="10.0.3.4:50001"),          # session input denies PUT
    record(ROLE, "PUT", denied=True, ip_port="192.168.0.1:443"),  # tag unknown: uncertain
    record(USER, "GET", ip_port="-"),                           # default input denies: certain
    record(ROLE, "GET", ip_port="-"),                           # no address: uncertain
    record("-", "GET", ip_port="[2001:db8::1]:443"),           # IPv6 outside, no tags: denied
]


@pytest.fixture()
def files(tmp_path):
    (tmp_path / "service.json").write_text(json.dumps(SERVICE, separators=(",", ":")))
    (tmp_path / "get-only.json").write_text(json.dumps(GET_ONLY, separators=(",", ":")))
    (tmp_path / "ids.json").write_text(json.dumps({
        "callers": [{"principal": ROLE, "identityDecision": "ALLOW"},
                    {"principal": SESSION, "identityPolicy": "get-only.json"}],
        "default": {"identityDecision": "IMPLICIT_DENY"}}))
    (tmp_path / "access.log").write_text("\n".join(LINES) + "\n")
    return tmp_path


def cli_json(cli, *args):
    out = subprocess.run([cli, "simulate", *map(str, args), "--format", "json"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode in (0, 3), out.stderr
    d = json.loads(out.stdout)
    d.pop("timing")
    return d


def test_identities_source_ip_and_classes_match_the_cli(files, cli):
    want = cli_json(cli, "--replay", files / "access.log", "--policy", files / "service.json",
                    "--identities", files / "ids.json")
    report = latticepol.replay(files / "access.log", files / "service.json",
                               identities=files / "ids.json")
    got = report.to_dict(include_timing=False)
    assert got == want
    # The session's identity policy denies its PUT (identity layer).
    assert got["totals"] == {"ALLOW": 1, "EXPLICIT_DENY": 0, "IMPLICIT_DENY": 5}
    logged = got["loggedVerdicts"]
    assert logged["uncertain"] == 2
    # The session's PUT, the default's GET and the anonymous caller (no principal, so no tags).
    assert logged["loggedAllowedCandidateDenies"] == 3
    assert logged["uncertainOther"] == 0
    classes = {(c["caller"], c["method"]): c for c in logged["uncertainClasses"]}
    assert set(classes) == {(ROLE, "PUT"), (ROLE, "GET")}
    assert classes[(ROLE, "GET")]["keys"] == {"aws:SourceIp": 1, "aws:PrincipalTag/team": 1}
    assert classes[(ROLE, "PUT")]["keys"] == {"aws:PrincipalTag/team": 1}
    assert classes[(ROLE, "PUT")]["disagree"] == 0
    assert classes[(ROLE, "GET")]["sourceVpc"] == "vpc-0b1e"
    # The same identities as a dict (policy paths then resolve against the cwd).
    as_dict = {"callers": [{"principal": ROLE, "identityDecision": "ALLOW"},
                           {"principal": SESSION, "identityPolicy": GET_ONLY}],
               "default": {"identityDecision": "IMPLICIT_DENY"}}
    again = latticepol.replay((files / "access.log").read_bytes(), files / "service.json",
                              identities=as_dict, source=str(files / "access.log"))
    assert again.to_dict(include_timing=False) == want
    # Without identities every signed caller is assumed allowed (E2).
    plain = latticepol.replay(files / "access.log", files / "service.json")
    assert plain.to_dict()["totals"]["ALLOW"] == 2


def test_pickled_report_keeps_the_classes(files):
    import pickle
    report = latticepol.replay(files / "access.log", files / "service.json")
    back = pickle.loads(pickle.dumps(report))
    assert back.to_dict(include_timing=False) == report.to_dict(include_timing=False)
    assert back.to_dict()["loggedVerdicts"]["uncertainClasses"]


def test_bad_identities_are_located_errors(files, cli):
    bad = files / "bad.json"
    bad.write_text('{"callers": [\n  {"principal": "%s", "identityDecision": "allow"}]}' % ROLE)
    with pytest.raises(latticepol.IdentitiesError) as e:
        latticepol.replay(files / "access.log", files / "service.json", identities=bad)
    issue = e.value.errors[0]
    assert (issue.line, issue.pointer, issue.code) == (
        2, "/callers/0/identityDecision", "identities-invalid")
    assert str(bad) in str(e.value)
    out = subprocess.run([cli, "simulate", "--replay", str(files / "access.log"), "--policy",
                          str(files / "service.json"), "--identities", str(bad)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 4
    assert "bad.json:2:" in out.stderr and "[identities-invalid]" in out.stderr
    with pytest.raises(TypeError):
        latticepol.replay(files / "access.log", files / "service.json", identities=3)
    with pytest.raises(FileNotFoundError):
        latticepol.replay(files / "access.log", files / "service.json",
                          identities=files / "missing.json")
