"""latticepol.diff / latticepol.prove / Policy.analyze: the exact analysis
from Python, with witnesses as Request objects."""

import json

import pytest

import latticepol
from conftest import SHARED

SEED = SHARED / "auth-policy.json"
EXAMPLES = SHARED / "examples"
SEED_BLUE_REQUEST = {"method": "GET", "path": "/", "query": "q=blue",
                     "sourceVpcOwnerAccount": "111111111111"}


def test_diff_equivalent_to_itself():
    result = latticepol.diff(str(SEED), latticepol.Policy.from_file(SEED))
    assert result["equivalent"] is True
    assert result["complete"] is True
    assert result["differences"] == []
    assert result["new_access"] is False


def test_diff_reports_new_access_with_a_verified_witness():
    seed = latticepol.Policy.from_file(SEED)
    result = latticepol.diff(seed, EXAMPLES / "backdoor-purge.json")
    assert result["equivalent"] is False
    assert result["new_access"] is True
    for d in result["differences"]:
        assert (d["old"], d["new"]) == ("IMPLICIT_DENY", "ALLOW")
        assert isinstance(d["witness"], latticepol.Request)
        assert d["witness"].to_dict()["method"] == "PURGE"
        # The witness really is decided that way.
        assert not seed.evaluate(d["witness"]).allowed
    # The reverse change only removes access.
    back = latticepol.diff(EXAMPLES / "backdoor-purge.json", seed)
    assert back["new_access"] is False and back["equivalent"] is False


def test_diff_from_dicts_and_anonymous_callers_only():
    base = json.loads(SEED.read_text())
    widened = json.loads(SEED.read_text())
    widened["Statement"][0]["Condition"]["StringEquals"]["vpc-lattice-svcs:RequestMethod"] = ["GET", "HEAD"]
    result = latticepol.diff(base, widened, callers="anonymous")
    assert result["new_access"] is True
    assert all(d["witness"].to_dict()["principal"] is None for d in result["differences"])
    assert {d["witness"].to_dict()["method"] for d in result["differences"]} == {"HEAD"}


def test_diff_rejects_bad_options_and_policies():
    with pytest.raises(ValueError):
        latticepol.diff(str(SEED), str(SEED), callers="robots")
    with pytest.raises(latticepol.PolicyError):
        latticepol.diff(str(SEED), '{"Statement": 3}')


def test_prove_shipped_scenario_and_backdoors():
    proof = latticepol.prove(SHARED / "scenario.yaml")
    assert proof["complete"] and proof["all_hold"]
    assert all(e["holds"] and e["counterexample"] is None for e in proof["expectations"])
    bad = latticepol.prove(SHARED / "scenario.yaml", policy=EXAMPLES / "backdoor-debug-header.json")
    assert not bad["all_hold"]
    violated = {e["name"]: e for e in bad["expectations"] if not e["holds"]}
    cx = violated["green never reads blue"]
    assert cx["caller"] == "green" and cx["decision"] == "ALLOW"
    assert ["x-debug", "on"] in cx["counterexample"].to_dict()["headers"]


def test_policy_analyze():
    result = latticepol.Policy.from_file(SEED).analyze()
    assert result["complete"]
    assert len(result["allowed"]) == 2
    assert result["explicitly_denied"] == []
    assert [s["effective"] for s in result["statements"]] == [True, True]
    for region in result["allowed"]:
        assert isinstance(region["witness"], latticepol.Request)
        assert latticepol.Policy.from_file(SEED).evaluate(region["witness"]).allowed


def test_would_pass_names_the_smallest_change():
    seed = latticepol.Policy.from_file(SEED)
    blue = seed.evaluate(SEED_BLUE_REQUEST)
    assert blue.allowed
    # Blue with the wrong method and query: two changes, and the changed
    # request is allowed.
    denied = dict(SEED_BLUE_REQUEST, method="DELETE", query="q=green")
    assert not seed.evaluate(denied).allowed
    hint = seed.would_pass(denied)
    assert hint["complete"] is True
    fields = {c["field"]: (c["from"], c["to"]) for c in hint["changes"]}
    assert fields["method"] == ('"DELETE"', '"GET"')
    assert set(fields) == {"method", "query q"}
    assert isinstance(hint["request"], latticepol.Request)
    assert seed.evaluate(hint["request"]).allowed
    # Keyword arguments override fields, as for evaluate().
    assert seed.would_pass(SEED_BLUE_REQUEST, method="PUT")["changes"] == [
        {"field": "method", "from": '"PUT"', "to": '"GET"'}]
    # An allowed request needs no change.
    assert seed.would_pass(SEED_BLUE_REQUEST)["changes"] == []


def test_would_pass_when_no_change_of_the_request_helps():
    seed = latticepol.Policy.from_file(SEED)
    # An account the policy does not name: only the caller could change that.
    stranger = dict(SEED_BLUE_REQUEST, sourceVpcOwnerAccount="999999999999")
    hint = seed.would_pass(stranger)
    assert hint == {"complete": True, "changes": None, "request": None}
    with pytest.raises(latticepol.RequestError):
        seed.would_pass('{"method": 7}')
    with pytest.raises(latticepol.PolicyError):
        seed.would_pass(SEED_BLUE_REQUEST, network='{"Statement": 3}')
