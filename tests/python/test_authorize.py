"""latticepol.authorize: the Lattice chain (docs/semantics.md §4.2)."""

import json
import subprocess

import pytest

import latticepol
from latticepol import Decision, Layer

from conftest import BLUE, SIGNED_BLUE_PRINCIPAL

NETWORK_ONLY_BLUE = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"StringEquals": {"vpc-lattice-svcs:SourceVpcOwnerAccount": "111111111111"}}}]}
IDENTITY_GET_ONLY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
     "Condition": {"StringEquals": {"vpc-lattice-svcs:RequestMethod": "GET"}}}]}


def test_service_policy_alone_anonymous_caller(policy):
    r = latticepol.authorize(BLUE, service_policy=policy)
    assert r.decision is Decision.ALLOW and r.allowed and bool(r)
    assert r.layer is Layer.NONE and r.failing_layers == []
    assert r.uncertain == []
    assert not r.network.evaluated and r.network.decision is None and r.network.allowed
    assert r.service.evaluated and r.service.has_policy
    assert r.service.decision is Decision.ALLOW and r.service.statement == 0
    assert not r.identity.evaluated  # anonymous caller
    assert "service layer: ALLOW" in r.explain()
    assert [l.layer for l in r.layers] == [Layer.NETWORK, Layer.SERVICE, Layer.IDENTITY]


def test_signed_caller_without_identity_input_is_assumed_allow(policy):
    r = latticepol.authorize(dict(BLUE, principal=SIGNED_BLUE_PRINCIPAL), service_policy=policy)
    assert r.allowed
    assert r.identity.evaluated and r.identity.assumed
    assert "E2" in r.uncertain
    assert "ASSUMED_ALLOW" in r.explain()


def test_identity_decision_denies(policy):
    r = latticepol.authorize(dict(BLUE, principal=SIGNED_BLUE_PRINCIPAL), service_policy=policy,
                             identity_decision=Decision.EXPLICIT_DENY)
    assert r.decision is Decision.EXPLICIT_DENY
    assert r.layer is Layer.IDENTITY and r.failing_layers == [Layer.IDENTITY]
    assert "E2" not in r.uncertain
    r = latticepol.authorize(dict(BLUE, principal=SIGNED_BLUE_PRINCIPAL), service_policy=policy,
                             identity_decision="IMPLICIT_DENY")
    assert r.decision is Decision.IMPLICIT_DENY and r.layer is Layer.IDENTITY


def test_identity_policy(policy):
    signed = dict(BLUE, principal=SIGNED_BLUE_PRINCIPAL)
    r = latticepol.authorize(signed, service_policy=policy, identity_policy=IDENTITY_GET_ONLY)
    assert r.allowed and not r.identity.assumed and r.identity.decision is Decision.ALLOW
    r = latticepol.authorize(dict(signed, method="POST"), service_policy=policy,
                             identity_policy=latticepol.Policy.from_dict(IDENTITY_GET_ONLY, identity=True))
    assert r.decision is Decision.IMPLICIT_DENY
    assert r.failing_layers == [Layer.SERVICE, Layer.IDENTITY]


def test_network_policy_defaults_network_auth_type_to_aws_iam(policy):
    green_from_blue = dict(BLUE, query="q=green", sourceVpcOwnerAccount="222222222222")
    r = latticepol.authorize(green_from_blue, service_policy=policy, network_policy=NETWORK_ONLY_BLUE)
    assert r.decision is Decision.IMPLICIT_DENY
    assert r.layer is Layer.NETWORK  # the network policy only lets account 111111111111 in
    assert r.network.evaluated and r.network.decision is Decision.IMPLICIT_DENY
    assert r.service.decision is Decision.ALLOW
    # Explicitly NONE: the network policy is ignored.
    r = latticepol.authorize(green_from_blue, service_policy=policy, network_policy=NETWORK_ONLY_BLUE,
                             network_auth_type="NONE")
    assert r.allowed and not r.network.evaluated


def test_aws_iam_without_a_policy_denies(policy):
    r = latticepol.authorize(BLUE, service_policy=policy, network_auth_type="AWS_IAM")
    assert r.decision is Decision.IMPLICIT_DENY and r.layer is Layer.NETWORK
    assert r.network.evaluated and not r.network.has_policy
    r = latticepol.authorize(BLUE)
    assert r.decision is Decision.IMPLICIT_DENY and r.layer is Layer.SERVICE


def test_both_auth_types_none_allow_everything_with_e1():
    r = latticepol.authorize(method="DELETE", service_auth_type="NONE", network_auth_type="NONE")
    assert r.allowed and "E1" in r.uncertain


def test_keywords_and_policy_forms(policy_path, policy):
    as_dict = json.loads(policy_path.read_text())
    for service in (policy, as_dict, policy_path, str(policy_path), policy_path.read_text()):
        r = latticepol.authorize(service_policy=service, query="q=blue",
                                 source_vpc_owner_account="111111111111")
        assert r.allowed, service
    with pytest.raises(latticepol.PolicyError):
        latticepol.authorize(BLUE, service_policy={"Version": "2012-10-17"})
    with pytest.raises(ValueError):
        latticepol.authorize(BLUE, service_policy=policy, service_auth_type="IAM")


def test_to_dict_matches_the_cli(cli, policy_path, tmp_path):
    request = dict(BLUE, principal=SIGNED_BLUE_PRINCIPAL, query="q=green")
    request_file = tmp_path / "request.json"
    request_file.write_text(json.dumps(request))
    proc = subprocess.run([cli, "eval", "--policy", str(policy_path), "--request", str(request_file),
                           "--network-auth-type", "NONE", "--format", "json"],
                          capture_output=True, text=True)
    assert proc.returncode == 3, proc.stderr
    expected = json.loads(proc.stdout)
    # The CLI adds the analysis's "would pass with" hint to a denied request;
    # authorize() is the engine's decision alone.
    assert expected.pop("wouldPass")["changes"] is not None
    r = latticepol.authorize(request, service_policy=policy_path, network_auth_type="NONE")
    assert r.to_dict() == expected
    assert r.decision.value == expected["decision"] and r.layer.value == expected["layer"]
    assert r.uncertain == expected["uncertain"]
