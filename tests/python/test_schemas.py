"""The JSON Schemas in docs/schemas/ against the shipped examples and the readers.

Every shipped example (policies/**: scenarios, topologies, case files and the
requests inside them, plus the examples in docs/formats/*.md) must validate.
Every wrong document below must be rejected by the schema AND by the C++
reader, and every minimal valid document must be accepted by both, so the
schemas cannot drift from the readers unnoticed.
"""

import json
import pathlib
import re

import jsonschema
import pytest
import yaml

from conftest import SOURCE_DIR
from latticepol import _latticepol as core

SCHEMAS = SOURCE_DIR / "docs" / "schemas"
POLICIES = SOURCE_DIR / "policies"
FORMATS = SOURCE_DIR / "docs" / "formats"


def _schema(name):
    return json.loads((SCHEMAS / ("%s.schema.json" % name)).read_text())


def _validator(name):
    schema = _schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    # case.schema.json refers to request.schema.json by relative URI.
    request = _schema("request")
    registry = {request["$id"]: request, "request.schema.json": request}
    resolver = jsonschema.RefResolver.from_schema(schema, store=registry)
    return jsonschema.Draft202012Validator(schema, resolver=resolver)


VALIDATORS = {name: _validator(name)
              for name in ("request", "case", "scenario", "topology", "identities")}


def _errors(kind, document):
    return [e.message for e in VALIDATORS[kind].iter_errors(document)]


def _reader_accepts(kind, text):
    if kind == "request":
        return core.parse_request(text)[0] is not None
    if kind == "scenario":
        return core.parse_scenario(text, "<test>", str(POLICIES / "shared-service"))[0] is not None
    if kind == "topology":
        return core.parse_topology(text, "<test>")[0] is not None
    if kind == "identities":
        return core.parse_identities(text, str(POLICIES / "shared-service"))[0] is not None
    if kind == "case":
        import latticepol
        policy = latticepol.Policy.from_file(POLICIES / "shared-service" / "auth-policy.json")
        try:
            latticepol.check(policy, text + "\n")
        except latticepol.CasesError:
            return False
        return True
    raise AssertionError(kind)


def _load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


# ---- Shipped examples --------------------------------------------------------------


def _shipped(pattern):
    return sorted(POLICIES.glob(pattern))


def test_the_examples_exist():
    # If the layout changes, the parametrised tests below must not pass vacuously.
    assert _shipped("**/scenario.yaml")
    assert _shipped("**/topology*.yaml")
    assert _shipped("**/cases.jsonl")


@pytest.mark.parametrize("path", _shipped("**/scenario.yaml"), ids=str)
def test_shipped_scenarios_validate(path):
    assert _errors("scenario", _load_yaml(path)) == []


@pytest.mark.parametrize("path", _shipped("**/topology*.yaml"), ids=str)
def test_shipped_topologies_validate(path):
    assert _errors("topology", _load_yaml(path)) == []


@pytest.mark.parametrize("path", _shipped("**/cases.jsonl"), ids=str)
def test_shipped_case_files_validate(path):
    count = 0
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        case = json.loads(line)
        assert _errors("case", case) == [], "%s:%d" % (path, number)
        assert _errors("request", case["request"]) == [], "%s:%d" % (path, number)
        count += 1
    assert count > 0


def _doc_examples():
    """```json / ```yaml blocks of docs/formats/*.md preceded by <!-- schema: X -->."""
    found = []
    for md in sorted(FORMATS.glob("*.md")):
        text = md.read_text()
        for m in re.finditer(r"<!-- schema: (\w+) -->\s*```(json|jsonl|yaml)\n(.*?)```", text, re.S):
            found.append(pytest.param(m.group(1), m.group(2), m.group(3),
                                      id="%s:%d" % (md.name, text.count("\n", 0, m.start()) + 1)))
    return found


def test_the_format_docs_have_examples():
    kinds = {p.values[0] for p in _doc_examples()}
    assert {"request", "case", "scenario", "topology", "identities"} <= kinds


@pytest.mark.parametrize("kind,lang,body", _doc_examples())
def test_format_doc_examples_validate_and_parse(kind, lang, body):
    if lang == "jsonl":
        docs = [(line, json.loads(line)) for line in body.splitlines() if line.strip()]
    elif lang == "json":
        docs = [(body, json.loads(body))]
    else:
        docs = [(body, yaml.safe_load(body))]
    for text, doc in docs:
        assert _errors(kind, doc) == []
        if kind == "scenario":
            continue  # examples may name policy files that do not exist
        assert _reader_accepts(kind, text), text


# ---- Schemas and readers agree -----------------------------------------------------

GOOD = [
    ("request", '{}'),
    ("request", '{"query": "q=blue&q=green", "headers": {"X-Team": ["a", "b"]}, "port": 443}'),
    ("request", '{"query": {"q": ["a", "b"]}, "principal": {"arn": "arn:aws:iam::111111111111:role/r"}}'),
    ("request", '{"principal": null, "resourceTags": [["env", "prod"]], "time": "1700000000"}'),
    ("case", '{"name": "n", "request": {}, "expect": "IMPLICIT_DENY", "skip": "later", "note": "ignored"}'),
    ("case", '{"name": "n", "request": {}, "expect": "DENY"}'),  # either kind of deny
    ("case", '{"name": "n", "request": {}, "expect": "ALLOW", "serviceAuthType": "NONE", "networkAuthType": "NONE"}'),
    ("scenario", "callers: [{name: a}]\n"),
    ("scenario", "callers:\n  - name: a\n    principal: anonymous\n"
                 "mix:\n  methods: {GET: 3, POST: 1}\n  port: [80, {value: 443, weight: 2}]\n"
                 "  query:\n    q: [{value: blue}, {absent: true}, {repeat: [a, b]}, {random: {min: 1, max: 3}}]\n"
                 "expectations:\n  - {match: {caller: a, query: {q: ~}}, expect: DENY}\n"),
    ("topology", "sharedService: {accountId: '444455556666', region: us-east-1, profile: p, serviceName: svc}\n"
                 "consumers: [{name: blue, project: blue, accountId: '111111111111', profile: b, methods: GET}]\n"),
    ("identities", '{}'),
    ("identities", '{"callers": [{"principal": "arn:aws:iam::111111111111:role/r", "identityDecision": "ALLOW"}]}'),
    ("identities", '{"default": {"identityPolicy": {"Version": "2012-10-17", "Statement": '
                   '[{"Effect": "Deny", "Action": "*", "Resource": "*"}]}}}'),
]

BAD = [
    ("request", '{"Method": "GET"}'),                       # unknown field (case matters)
    ("request", '{"port": 0}'),                              # out of range
    ("request", '{"port": "443"}'),                          # not an integer
    ("request", '{"sourceVpcOwnerAccount": 111111111111}'),  # account id as a number
    ("request", '{"query": [["q"]]}'),                       # not a pair
    ("request", '{"headers": {"": "x"}}'),                   # empty header name
    ("request", '{"principal": {"arn": "a", "role": "r"}}'),  # unknown principal field
    ("request", '{"principal": "anonymous"}'),               # anonymous is null
    ("request", '{"method": ""}'),                           # empty method
    ("request", '[]'),                                       # not an object
    ("case", '{"request": {}, "expect": "ALLOW"}'),          # no name
    ("case", '{"name": "n", "request": {}, "expect": "deny"}'),  # exact spelling
    ("case", '{"name": "n", "request": {}, "expect": "ALLOW", "serviceAuthType": "IAM"}'),
    ("case", '{"name": "n", "request": {}, "expect": "ALLOW", "skip": 1}'),
    ("case", '{"name": "n", "request": {"port": 70000}, "expect": "ALLOW"}'),
    ("case", '{"name": "n", "request": {}, "expect": "ALLOW", "policy": "policy.json"}'),
    ("scenario", "count: 10\n"),                             # no callers
    ("scenario", "callers: []\n"),                           # empty callers
    ("scenario", "callers: [{weight: 1}]\n"),                # caller without a name
    ("scenario", "callers: [{name: a, principal: {type: Role}}]\n"),
    ("scenario", "callers: [{name: a, identityDecision: ALLOW, identityPolicy: x.json}]\n"),
    ("scenario", "callers: [{name: a}]\nthreads: 2000\n"),
    ("scenario", "callers: [{name: a}]\nmix: {port: 70000}\n"),
    ("scenario", "callers: [{name: a}]\nmix: {query: {q: {value: a, absent: true}}}\n"),
    ("scenario", "callers: [{name: a}]\nexpectations: [{match: {caller: a}, expect: ALLOWED}]\n"),
    ("scenario", "callers: [{name: a}]\nsampels: 3\n"),    # unknown key
    ("topology", "consumers: []\n"),
    ("identities", '[]'),                                                  # not an object
    ("identities", '{"caller": []}'),                                       # unknown field
    ("identities", '{"callers": [{"identityDecision": "ALLOW"}]}'),         # no principal
    ("identities", '{"callers": [{"principal": "a", "identityDecision": "allow"}]}'),  # spelling
    ("identities", '{"callers": [{"principal": "a"}]}'),                    # no input
    ("identities", '{"callers": [{"principal": "a", "identityDecision": "ALLOW", "identityPolicy": {}}]}'),
    ("identities", '{"callers": [{"principal": "", "identityDecision": "ALLOW"}]}'),
    ("identities", '{"default": {"principal": "a", "identityDecision": "ALLOW"}}'),
    ("identities", '{"default": {"identityPolicy": 3}}'),
    ("identities", '{"callers": {"a": "ALLOW"}}'),                          # not a list
    ("topology", "sharedService: {accountId: '4444', region: us-east-1, profile: p, serviceName: svc}\n"
                 "consumers: [{name: blue, project: blue, accountId: '111111111111', profile: b, methods: GET}]\n"),
    ("topology", "sharedService: {accountId: '444455556666', region: us-east-1, profile: p, serviceName: svc}\n"
                 "consumers: [{name: blue, project: blue, accountId: '111111111111', profile: b, methods: get}]\n"),
    ("topology", "sharedService: {accountId: '444455556666', region: us-east-1, serviceName: svc}\n"
                 "consumers: [{name: blue, project: blue, accountId: '111111111111', profile: b, methods: GET}]\n"),
    ("topology", "sharedService: {accountId: '444455556666', region: us-east-1, profile: p, serviceName: svc}\n"
                 "consumers: [{name: blue, project: blue, accountId: '111111111111', profile: b, methods: GET,"
                 " paths: [api]}]\n"),
    ("topology", "sharedService: {accountId: '444455556666', region: us-east-1, profile: p, serviceName: svc}\n"
                 "consumers: [{name: blue, project: blue, accountId: '111111111111', profile: b, methods: GET}]\n"
                 "options: {policyStyle: require-org}\n"),
]


def _parse_any(kind, text):
    return json.loads(text) if kind in ("request", "case", "identities") else yaml.safe_load(text)


@pytest.mark.parametrize("kind,text", GOOD)
def test_valid_documents_pass_schema_and_reader(kind, text):
    assert _errors(kind, _parse_any(kind, text)) == []
    assert _reader_accepts(kind, text)


@pytest.mark.parametrize("kind,text", BAD)
def test_wrong_documents_fail_schema_and_reader(kind, text):
    assert _errors(kind, _parse_any(kind, text)) != [], "the schema accepts it"
    assert not _reader_accepts(kind, text), "the reader accepts it"
