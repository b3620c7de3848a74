"""Policy.from_json / from_dict / from_file, PolicyError and its issues."""

import json
import pathlib

import pytest

import latticepol

SEED = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "AllowBlue", "Effect": "Allow", "Principal": "*",
         "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
         "Condition": {"StringEquals": {
             "vpc-lattice-svcs:RequestMethod": "GET",
             "vpc-lattice-svcs:RequestQueryString/q": "blue",
             "vpc-lattice-svcs:SourceVpcOwnerAccount": "111111111111"}}},
    ],
}


def test_from_file_json_and_dict_agree(policy_path):
    from_file = latticepol.Policy.from_file(policy_path)
    from_text = latticepol.Policy.from_json(policy_path.read_text())
    from_dict = latticepol.Policy.from_dict(json.loads(policy_path.read_text()))
    assert len(from_file) == len(from_text) == len(from_dict) == 2
    assert from_file.sids == ["AllowBlue", "AllowGreen"]
    assert from_file.to_dict() == from_dict.to_dict()
    assert from_file == from_text  # same text, same mode
    assert from_file.warnings == []
    assert not from_file.lenient and not from_file.identity


def test_from_file_accepts_pathlike_and_str(policy_path):
    assert len(latticepol.Policy.from_file(str(policy_path))) == 2
    assert len(latticepol.Policy.from_file(pathlib.Path(policy_path))) == 2


def test_from_dict_rejects_non_dict():
    with pytest.raises(TypeError):
        latticepol.Policy.from_dict('{"Version": "2012-10-17"}')


def test_policy_error_is_value_error_with_issue_attributes():
    text = ('{"Version":"2012-10-17","Statement":[{"Effect":"allow","Principal":"*",'
            '"Action":"vpc-lattice-svcs:Invoke","Resource":"*"}]}')
    with pytest.raises(ValueError) as info:
        latticepol.Policy.from_json(text)
    err = info.value
    assert isinstance(err, latticepol.PolicyError)
    assert len(err.issues) == 1
    issue = err.issues[0]
    assert issue.code == "invalid-effect"
    assert issue.pointer == "/Statement/0/Effect"
    assert issue.severity == "error" and issue.is_error
    assert issue.line == 1
    # The column of the offending value `"allow"`.
    assert issue.column == text.index('"allow"') + 1
    assert "`allow`" in issue.message
    assert str(issue) == "1:%d: /Statement/0/Effect: error: %s [invalid-effect]" % (
        issue.column, issue.message)
    assert issue.to_dict()["code"] == "invalid-effect"
    assert "invalid-effect" in str(err)


def test_syntax_error_has_line_and_column():
    text = '{\n  "Version": "2012-10-17",\n  "Statement": [,]\n}'
    with pytest.raises(latticepol.PolicyError) as info:
        latticepol.Policy.from_json(text)
    codes = [i.code for i in info.value.issues]
    assert "json-syntax" in codes
    syntax = info.value.issues[codes.index("json-syntax")]
    assert syntax.line == 3
    assert syntax.column == text.splitlines()[2].index(",") + 1


def test_from_dict_issue_points_into_the_dict():
    doc = json.loads(json.dumps(SEED))
    doc["Statement"][0]["Condition"]["StringLikee"] = {"vpc-lattice-svcs:RequestPath": "/x"}
    with pytest.raises(latticepol.PolicyError) as info:
        latticepol.Policy.from_dict(doc)
    issue = info.value.errors[0]
    assert issue.code == "unknown-operator"
    assert issue.pointer == "/Statement/0/Condition/StringLikee"
    assert issue.line == 1 and issue.column > 1
    assert "<dict>" in str(info.value)


def test_from_file_names_the_file_in_the_message(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Effect":"Deny",'
                   '"Principal":"*","Action":"*","Resource":"*"}]}')
    with pytest.raises(latticepol.PolicyError) as info:
        latticepol.Policy.from_file(bad)
    assert info.value.issues[0].code == "duplicate-key"
    assert str(info.value).startswith("invalid policy: %s:1:" % bad)


def test_missing_file_raises_oserror(tmp_path):
    with pytest.raises(FileNotFoundError):
        latticepol.Policy.from_file(tmp_path / "nope.json")


def test_every_shipped_invalid_policy_is_rejected_with_its_code(source_dir):
    files = sorted((source_dir / "policies" / "invalid").glob("*.json"))
    assert len(files) >= 10
    for path in files:
        with pytest.raises(latticepol.PolicyError) as info:
            latticepol.Policy.from_file(path)
        assert path.stem in [i.code for i in info.value.issues], path.name
        assert all(i.line >= 1 and i.column >= 1 for i in info.value.issues), path.name


def test_lenient_accepts_what_strict_rejects(source_dir):
    text = (source_dir / "policies" / "invalid" / "miscased-condition-key.json").read_text()
    with pytest.raises(latticepol.PolicyError):
        latticepol.Policy.from_json(text)
    lenient = latticepol.Policy.from_json(text, lenient=True)
    assert lenient.lenient
    # K2: a mis-cased key is evaluated as absent, so its StringEquals fails.
    assert lenient.evaluate(method="GET").decision is latticepol.Decision.IMPLICIT_DENY


def test_warnings_for_a_policy_over_the_quota():
    doc = {"Version": "2012-10-17", "Statement": [
        {"Sid": "S%d" % i, "Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke",
         "Resource": "*", "Condition": {"StringEquals": {"vpc-lattice-svcs:RequestQueryString/q": "v%d" % i}}}
        for i in range(90)]}
    policy = latticepol.Policy.from_dict(doc)
    assert len(policy.text) > 10000
    assert [w.code for w in policy.warnings] == ["policy-exceeds-quota"]
    assert policy.warnings[0].severity == "warning"
    assert policy.evaluate(query="q=v89").statement == 89


def test_identity_policy_has_no_principal():
    identity = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*"}]}
    with pytest.raises(latticepol.PolicyError):
        latticepol.Policy.from_dict(identity)  # an auth policy needs a Principal
    policy = latticepol.Policy.from_dict(identity, identity=True)
    assert policy.identity
    with pytest.raises(latticepol.PolicyError):
        latticepol.Policy.from_dict(SEED, identity=True)  # Principal not allowed


def test_repr_and_to_json(policy):
    assert "AllowBlue" in repr(policy)
    assert json.loads(policy.to_json())["Statement"][0]["Sid"] == "AllowBlue"
    assert policy.text.startswith('{"Version"')


def test_module_docs_read_well():
    assert "Lattice" in latticepol.__doc__
    for obj in (latticepol.Policy, latticepol.Policy.evaluate, latticepol.Policy.evaluate_many,
                latticepol.authorize, latticepol.check, latticepol.simulate, latticepol.generate,
                latticepol.Result, latticepol.Report, latticepol.PolicyError):
        assert obj.__doc__ and len(obj.__doc__.strip()) > 20, obj
    assert set(latticepol.__all__) <= set(dir(latticepol))
    assert "Q2" in latticepol.DECISION_IDS and "E2" in latticepol.DECISION_IDS
