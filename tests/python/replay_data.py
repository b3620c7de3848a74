"""Test inputs for the bulk and replay tests: canonical request JSON Lines
from the shared scenario, access-log records, blank and malformed lines."""

import json
import subprocess

SVC = "arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0123456789abcdef0"


def access_log(method, path, vpc_owner, denied, q_blue=False):
    return json.dumps({
        "startTime": "2024-06-11T10:00:00Z", "serviceArn": SVC,
        "sourceVpcArn": "arn:aws:ec2:us-east-1:%s:vpc/vpc-0b1e" % vpc_owner,
        "requestMethod": method, "requestPath": path, "callerPrincipal": "-",
        "authDeniedReason": "Service" if denied else "-", "responseCode": 403 if denied else 200,
    })


def emit_requests(cli, scenario, path, count):
    subprocess.run([cli, "simulate", str(scenario), "--count", str(count), "--emit-requests",
                    str(path)], check=True, capture_output=True, timeout=120)
    return path.read_bytes().splitlines()


def mixed_lines(canonical):
    """Canonical lines with access-log records, blank and malformed lines
    sprinkled in at fixed places (deterministic)."""
    lines = []
    for i, line in enumerate(canonical):
        lines.append(line)
        if i % 97 == 5:
            lines.append(b"")
        if i % 211 == 7:
            lines.append(b'{"methd": "GET"}')
        if i % 307 == 11:
            lines.append(b"{not json")
        if i % 53 == 3:
            lines.append(access_log("GET", "/", "111111111111", denied=(i % 2 == 0)).encode())
    return lines
