"""Pre-deploy check of a VPC Lattice auth policy in a Pulumi program.

This is the shape of the shared-service stack's ``__main__.py`` (the
``common-service`` project of the blue/green setup): it builds the auth policy
dict from the consumers it serves, checks it with latticepol, and only then
creates the ``aws.vpclattice.AuthPolicy``. If the policy is invalid for
Lattice, or does not do what the case file says, ``pulumi up`` stops before
anything is deployed.

Run the check alone (no Pulumi needed)::

    python3 examples/pulumi_precheck.py
    # or, from examples/, the same check as a command (exit code 1 on a failing case):
    python3 -m latticepol.check pulumi_precheck:AUTH_POLICY ../policies/shared-service/cases.jsonl

Inside ``pulumi up`` the same file also creates the resources.
"""

import json
import os
import sys

import latticepol

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "..", "policies", "shared-service", "cases.jsonl")

# Who may call the shared service: in the real program this comes from
# `pulumi.Config()` (or from `latticepol.generate(topology)`).
CONSUMERS = [
    {"sid": "AllowBlue", "account": "111111111111", "q": "blue"},
    {"sid": "AllowGreen", "account": "222222222222", "q": "green"},
]


def build_policy(consumers):
    """The policy dict the program passes to `vpclattice.AuthPolicy`."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": c["sid"],
                "Effect": "Allow",
                "Principal": "*",
                "Action": "vpc-lattice-svcs:Invoke",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {
                        "vpc-lattice-svcs:RequestMethod": "GET",
                        "vpc-lattice-svcs:RequestQueryString/q": c["q"],
                        "vpc-lattice-svcs:SourceVpcOwnerAccount": c["account"],
                    }
                },
            }
            for c in consumers
        ],
    }


AUTH_POLICY = build_policy(CONSUMERS)


def precheck(policy_doc, cases_path=CASES):
    """Returns the checked Policy, or raises with a readable report."""
    # 1. Valid for Lattice? (PolicyError lists each issue: code, pointer, line:column.)
    policy = latticepol.Policy.from_dict(policy_doc)
    for warning in policy.warnings:
        print("latticepol: %s" % warning, file=sys.stderr)
    # 2. Does it do what was intended? The case file is the team's spec.
    report = latticepol.check(policy, cases_path)
    # 3. Spot checks written next to the code that builds the policy.
    for c in CONSUMERS:
        own = policy.evaluate(query="q=" + c["q"], source_vpc_owner_account=c["account"])
        if not own.allowed:
            raise RuntimeError("%s cannot read its own data:\n%s" % (c["sid"], own.explain()))
    if not report.ok:
        raise RuntimeError("auth policy check failed:\n%s" % report)
    print("latticepol: auth policy checked: %s" % report.summary)
    return policy


def main():
    try:
        import pulumi
        import pulumi_aws as aws
    except ImportError:  # run outside Pulumi: the check only
        try:
            precheck(AUTH_POLICY)
        except (latticepol.PolicyError, RuntimeError) as e:
            print(e, file=sys.stderr)
            return 1
        return 0

    try:
        precheck(AUTH_POLICY)
    except (latticepol.PolicyError, RuntimeError) as e:
        raise pulumi.RunError(str(e))  # stops `pulumi up` before any resource changes
    service = aws.vpclattice.Service("shared-service", name="shared-service", auth_type="AWS_IAM")
    aws.vpclattice.AuthPolicy("shared-service-auth-policy",
                              resource_identifier=service.arn,
                              policy=json.dumps(AUTH_POLICY))
    return 0


if __name__ == "__main__":
    status = main()
    if status:  # no SystemExit(0) inside a Pulumi program
        sys.exit(status)
