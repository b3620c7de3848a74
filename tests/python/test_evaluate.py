"""Policy.evaluate, Request, Result; evaluate_many."""

import datetime
import json

import pytest

import latticepol
from latticepol import Decision

from conftest import BLUE, SIGNED_BLUE_PRINCIPAL

DENY_POST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "AllowAll", "Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke",
         "Resource": "*"},
        {"Sid": "DenyPost", "Effect": "Deny", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke",
         "Resource": "*", "Condition": {"StringEquals": {"vpc-lattice-svcs:RequestMethod": "POST"}}},
    ],
}


def test_allow_with_a_dict(policy, blue_request):
    r = policy.evaluate(blue_request)
    assert r.decision is Decision.ALLOW
    assert r.decision == "ALLOW" and str(r.decision) == "ALLOW"
    assert r.allowed and bool(r)
    assert r.statement == 0
    assert r.uncertain == []
    assert "AllowBlue" in r.explain()


def test_keyword_arguments_match_the_dict(policy):
    r = policy.evaluate(method="GET", query="q=green", source_vpc_owner_account="222222222222")
    assert r.decision is Decision.ALLOW and r.statement == 1
    denied = policy.evaluate(method="GET", query="q=green", source_vpc_owner_account="111111111111")
    assert denied.decision is Decision.IMPLICIT_DENY
    assert denied.statement is None and not denied.allowed


def test_keywords_override_the_dict(policy, blue_request):
    assert policy.evaluate(blue_request, method="POST").decision is Decision.IMPLICIT_DENY
    assert blue_request["method"] == "GET"  # not modified


def test_every_keyword_maps_to_its_canonical_key():
    kwargs = dict(
        action="vpc-lattice-svcs:Invoke", method="PUT", path="/items", query=[["q", "blue"]],
        headers={"Content-Type": "application/json"}, source_vpc="vpc-0b1e",
        source_vpc_owner_account="111111111111", port=443,
        service_arn="arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0123456789abcdef0",
        service_network_arn="arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-0b1e0000000000001",
        principal={"arn": "arn:aws:iam::111111111111:role/blue", "account": "111111111111",
                   "type": "AssumedRole", "org_id": "o-abc", "org_paths": ["o-abc/r-1/"],
                   "tags": {"team": "blue"}},
        resource_tags={"env": "prod"}, source_ip="10.0.0.5", time="2026-11-26T12:00:00Z")
    d = latticepol.Request(**kwargs).to_dict()
    assert d["action"] == "vpc-lattice-svcs:Invoke"
    assert d["method"] == "PUT" and d["path"] == "/items"
    assert d["query"] == [["q", "blue"]]
    assert d["headers"] == [["content-type", "application/json"]]  # names lower-cased (H2)
    assert d["sourceVpc"] == "vpc-0b1e" and d["sourceVpcOwnerAccount"] == "111111111111"
    assert d["port"] == 443
    assert d["serviceArn"].endswith("svc-0123456789abcdef0")
    assert d["serviceNetworkArn"].endswith("sn-0b1e0000000000001")
    assert d["principal"]["orgId"] == "o-abc" and d["principal"]["orgPaths"] == ["o-abc/r-1/"]
    assert d["principal"]["type"] == "AssumedRole"
    assert d["resourceTags"] == {"env": "prod"}
    assert d["sourceIp"] == "10.0.0.5" and d["time"] == "2026-11-26T12:00:00Z"
    assert latticepol.Request(**kwargs).signed
    assert not latticepol.Request(principal=None).signed


def test_time_accepts_datetime_and_epoch():
    aware = datetime.datetime(2026, 11, 26, 13, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    assert latticepol.Request(time=aware).to_dict()["time"] == "2026-11-26T12:00:00Z"
    assert latticepol.Request(time=1700000000).to_dict()["time"] == "1700000000"


def test_principal_keyword_drives_principal_conditions():
    policy = latticepol.Policy.from_dict({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/blue-service"},
         "Action": "vpc-lattice-svcs:Invoke", "Resource": "*"}]})
    assert policy.evaluate(principal=SIGNED_BLUE_PRINCIPAL).allowed
    assert policy.evaluate(principal=None).decision is Decision.IMPLICIT_DENY  # anonymous
    assert policy.evaluate().decision is Decision.IMPLICIT_DENY


def test_explicit_deny():
    policy = latticepol.Policy.from_dict(DENY_POST)
    r = policy.evaluate(method="POST")
    assert r.decision is Decision.EXPLICIT_DENY
    assert r.statement == 1
    assert "DenyPost" in r.explain()
    assert policy.evaluate(method="GET").statement == 0


def test_uncertain_ids_are_exact(policy):
    # Q2: a repeated query key with a plain operator.
    r = policy.evaluate(query="q=blue&q=blue", source_vpc_owner_account="111111111111")
    assert r.decision is Decision.IMPLICIT_DENY
    assert r.uncertain == ["Q2"]
    assert "uncertain: Q2" in r.explain()
    assert policy.evaluate(query="q=blue", source_vpc_owner_account="111111111111").uncertain == []


def test_percent_encoded_query_reports_q3(policy):
    # Q3: the referenced value needed percent-decoding; the id survives the
    # dict, the Request object and its JSON/pickle round trip.
    r = policy.evaluate(query="q=%62lue", source_vpc_owner_account="111111111111")
    assert r.decision is Decision.ALLOW
    assert r.uncertain == ["Q3"]
    request = latticepol.Request({"query": "q=%62lue", "sourceVpcOwnerAccount": "111111111111"})
    assert policy.evaluate(request).uncertain == ["Q3"]
    assert policy.evaluate(latticepol.Request.from_json(request.to_json())).uncertain == ["Q3"]


def test_explanation_says_what_would_pass(policy):
    r = policy.evaluate(query="q=green", source_vpc_owner_account="111111111111")
    text = r.explain()
    assert text.startswith("decision: IMPLICIT_DENY")
    assert "would pass with `q=blue`" in text
    assert r.explain_json()["decision"] == "IMPLICIT_DENY"


def test_to_dict(policy, blue_request):
    d = policy.evaluate(blue_request).to_dict()
    assert d["decision"] == "ALLOW" and d["allowed"] is True and d["statement"] == 0
    assert d["uncertain"] == [] and "AllowBlue" in d["explanation"]
    json.dumps(d)


def test_result_keeps_its_request(policy, blue_request):
    r = policy.evaluate(blue_request)
    assert r.request.to_dict()["sourceVpcOwnerAccount"] == "111111111111"


def test_request_json_text_and_request_objects(policy, blue_request):
    text = json.dumps(blue_request)
    assert policy.evaluate(text).allowed
    req = latticepol.Request(blue_request)
    assert policy.evaluate(req).allowed
    assert latticepol.Request.from_json(text) == req
    assert policy.evaluate(req, method="POST").decision is Decision.IMPLICIT_DENY


def test_request_error_has_issue_attributes(policy):
    with pytest.raises(ValueError) as info:
        policy.evaluate({"principal": {"arn": "arn:aws:iam::1:role/x", "orgPaths": [7]}})
    err = info.value
    assert isinstance(err, latticepol.RequestError)
    issue = err.issues[0]
    assert issue.pointer == "/principal/orgPaths/0"
    assert issue.line == 1 and issue.column > 1
    assert issue.code
    with pytest.raises(latticepol.RequestError) as info:
        policy.evaluate({"sourceVpcOwnerAcount": "111111111111"})
    assert "sourceVpcOwnerAccount" in info.value.issues[0].message  # did you mean
    with pytest.raises(latticepol.RequestError) as info:
        policy.evaluate('{"method": "GET",\n "port": "eighty"}')
    assert info.value.issues[0].pointer == "/port" and info.value.issues[0].line == 2


def test_unknown_keyword_is_a_type_error(policy):
    with pytest.raises(TypeError):
        policy.evaluate(source_vpc_owner="111111111111")
    with pytest.raises(TypeError):
        policy.evaluate(42)


def test_evaluate_many_matches_evaluate(policy, blue_request):
    requests = [
        blue_request,
        dict(blue_request, query="q=green"),
        dict(blue_request, query="q=green", sourceVpcOwnerAccount="222222222222"),
        dict(blue_request, query="q=blue&q=blue"),
        latticepol.Request(method="POST"),
        json.dumps(blue_request),
    ]
    many = policy.evaluate_many(requests)
    assert len(many) == len(requests)
    for req, got in zip(requests, many):
        one = policy.evaluate(req)
        assert (got.decision, got.statement, got.uncertain) == (one.decision, one.statement, one.uncertain)
    assert [r.decision.value for r in many] == [
        "ALLOW", "IMPLICIT_DENY", "ALLOW", "IMPLICIT_DENY", "IMPLICIT_DENY", "ALLOW"]
    assert many[3].uncertain == ["Q2"]
    assert "AllowBlue" in many[0].explain()
    assert policy.evaluate_many([]) == []
    assert len(policy.evaluate_many(iter([blue_request]))) == 1


def test_evaluate_many_names_the_bad_request(policy, blue_request):
    with pytest.raises(latticepol.RequestError) as info:
        policy.evaluate_many([blue_request, blue_request, {"methd": "GET"}])
    assert "request 2" in str(info.value)
    assert info.value.issues[0].pointer == "/methd"
    assert info.value.issues[0].code == "unknown-field"
