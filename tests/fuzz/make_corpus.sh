#!/usr/bin/env bash
# File: tests/fuzz/make_corpus.sh
# Stage: fuzzing. Assembles the seed corpora of the fuzz targets at run time
# from policies/ and a few hand-written inputs (nothing large is committed):
#
#   tests/fuzz/make_corpus.sh <source dir> <out dir>
#
# creates <out dir>/<target>/ for every target in tests/fuzz/*_fuzzer.cc.
set -euo pipefail
src="$1"
out="$2"
mkdir -p "$out"
python3 - "$src" "$out" <<'PY'
import glob, json, os, sys

src, out = sys.argv[1], sys.argv[2]
seeds = {name: [] for name in ["parse_fuzzer", "request_json_fuzzer", "compile_evaluate_fuzzer",
                               "scenario_fuzzer", "topology_fuzzer", "case_file_fuzzer",
                               "analysis_fuzzer"]}

def read(path):
    with open(path, "rb") as f:
        return f.read()

policies = [p for p in sorted(glob.glob(os.path.join(src, "policies", "**", "*.json"), recursive=True))
            if os.path.getsize(p) < 48 << 10 and "stack-outputs" not in p]
for p in policies:
    data = read(p)
    seeds["parse_fuzzer"].append(data)
    # compile_evaluate_fuzzer, text mode: FuzzedDataProvider takes the policy
    # string from the front and integers from the back; the last byte 0 picks
    # the text mode, the 8 bytes before it are the seed, then `strict`.
    if b"\\" not in data:
        seeds["compile_evaluate_fuzzer"].append(data + b"\\x" + bytes(range(1, 10)) + b"\x00")
# Generated mode: last byte odd; the rest drives seed and knobs.
for i in range(16):
    seeds["compile_evaluate_fuzzer"].append(bytes((i * 37 + j * 11) & 0xFF for j in range(48)) + b"\x01")
# analysis_fuzzer: the same two layouts (text: policy, `\x`, seed bytes, 0;
# generated: knob bytes, 1), small policies only.
for p in policies:
    data = read(p)
    if b"\\" not in data and len(data) < 4 << 10:
        seeds["analysis_fuzzer"].append(data + b"\\x" + bytes(range(1, 12)) + b"\x00")
for i in range(16):
    seeds["analysis_fuzzer"].append(bytes((i * 53 + j * 7) & 0xFF for j in range(40)) + b"\x01")

requests = [
    b'{}',
    b'{"query": "q=blue&x=1&x=2&%71=bl%75e", "sourceVpcOwnerAccount": "111111111111"}',
    b'{"action": "vpc-lattice-svcs:Connect", "port": 443, "principal": null}',
    b'{"method": "POST", "path": "/items/1", "headers": {"X-Team": "blue", "content-type": ["a", "b"]}}',
    b'{"principal": {"arn": "arn:aws:iam::111111111111:role/app", "account": "111111111111", '
    b'"type": "AssumedRole", "orgId": "o-abc", "orgPaths": ["o-abc/r-1/ou-2/"], "tags": {"team": "blue"}, '
    b'"sessionArn": "arn:aws:sts::111111111111:assumed-role/app/s"}, "sourceIp": "10.1.2.3", '
    b'"time": "2026-11-26T12:00:00Z", "resourceTags": {"env": "prod"}, '
    b'"serviceArn": "arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0123456789abcdef0", '
    b'"serviceNetworkArn": "arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-0123456789abcdef0", '
    b'"sourceVpc": "vpc-0abc"}',
    b'{"query": [["q", "blue"], ["q", ""]], "headers": [["x-a", " b "]], "port": 99999999999}',
]
seeds["request_json_fuzzer"].extend(requests)

for cases in sorted(glob.glob(os.path.join(src, "policies", "**", "*.jsonl"), recursive=True)):
    data = read(cases)
    seeds["case_file_fuzzer"].append(data[: 32 << 10])
    for line in data.splitlines():
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        seeds["case_file_fuzzer"].append(line)
        if isinstance(obj, dict) and "request" in obj:
            seeds["request_json_fuzzer"].append(json.dumps(obj["request"]).encode())

for topo in sorted(glob.glob(os.path.join(src, "policies", "**", "topology*.yaml"), recursive=True)):
    seeds["topology_fuzzer"].append(read(topo))
seeds["topology_fuzzer"].append(
    b'{"sharedService": {"accountId": "444455556666", "region": "us-east-1"}, "consumers": '
    b'[{"name": "blue", "accountId": "111111111111", "methods": ["GET"], "query": {"q": ["blue"]}}]}')

for scen in sorted(glob.glob(os.path.join(src, "policies", "**", "scenario*.yaml"), recursive=True)):
    text = read(scen).decode("utf-8", "replace")
    # Point policy paths at the fuzzer's own policy files.
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        for key, name in (("service:", "service.json"), ("network:", "network.json"),
                          ("identityPolicy:", "identity.json")):
            if stripped.startswith(key) and stripped.endswith(".json"):
                line = line[: line.index(key) + len(key)] + " " + name
        lines.append(line)
    seeds["scenario_fuzzer"].append("\n".join(lines).encode())
seeds["scenario_fuzzer"].extend([
    b"policies: {service: service.json}\ncount: 10\ncallers: [{name: a}]\n",
    b"policies: {service: service.json, network: network.json}\ncount: 20\nmix:\n  methods: {GET: 3, POST: 1}\n"
    b"  query:\n    q: [{value: blue, weight: 4}, {absent: true}, {repeat: [blue, green]}, {random: {min: 1, max: 4, alphabet: \"a%&=\"}}]\n"
    b"callers:\n  - {name: blue, sourceVpcOwnerAccount: '111111111111', principal: anonymous}\n"
    b"  - name: red\n    principal: {arn: 'arn:aws:iam::111111111111:role/r', orgPaths: [o-a/r-b/]}\n    identityPolicy: identity.json\n"
    b"expectations:\n  - {match: {caller: blue, query: {q: blue}}, expect: ALLOW}\n  - {match: {signed: true}, expect: DENY}\n",
    b'{"policies": {"service": "service.json"}, "count": 5, "callers": [{"name": "x", "weight": 2}]}',
])

for name, items in seeds.items():
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    for i, data in enumerate(items):
        with open(os.path.join(d, "seed-%03d" % i), "wb") as f:
            f.write(data)
PY
