"""Pre-deploy check: ``python3 -m latticepol.check POLICY CASES``.

POLICY is a policy JSON file, or ``module:attribute`` naming the policy dict a
program holds (e.g. ``stack_policy:AUTH_POLICY``; the module is imported from
the current directory or ``sys.path``). CASES is a JSON Lines case file (see
the README). Prints every failing case and the closing line
``N passed, M failed``.

Exit codes (the same as ``latticepol check``): 0 every case passed, 1 a case
failed, 2 usage error, 4 invalid or unreadable input (policy or case file).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import sys
import types
from typing import Any, List, Optional

import latticepol

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INVALID_INPUT = 4

_MODULE_ATTRIBUTE = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")


class _InputError(Exception):
    """Invalid or unreadable input: exit code 4."""


def load_policy(spec: str, *, lenient: bool = False) -> latticepol.Policy:
    """Loads POLICY: a file path, or ``module:attribute`` naming a dict (or a
    Policy, or policy JSON text). Raises PolicyError for an invalid policy and
    _InputError for one that cannot be found."""
    if not os.path.exists(spec) and _MODULE_ATTRIBUTE.match(spec):
        module_name, attribute = spec.split(":", 1)
        if "" not in sys.path and os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())
        try:
            obj: Any = importlib.import_module(module_name)
        except ImportError as e:
            raise _InputError("cannot import module `%s`: %s" % (module_name, e)) from e
        for part in attribute.split("."):
            try:
                obj = getattr(obj, part)
            except AttributeError as e:
                raise _InputError("module `%s` has no attribute `%s`" % (module_name, attribute)) from e
        if callable(obj) and not isinstance(obj, (dict, latticepol.Policy)):
            obj = obj()
        if isinstance(obj, latticepol.Policy):
            return obj
        if isinstance(obj, dict):
            return latticepol.Policy.from_dict(obj, lenient=lenient)
        if isinstance(obj, str):
            return latticepol.Policy.from_json(obj, lenient=lenient, source=spec)
        raise _InputError("`%s` is a %s, not a policy dict" % (spec, type(obj).__name__))
    try:
        return latticepol.Policy.from_file(spec, lenient=lenient)
    except OSError as e:
        raise _InputError("cannot read policy `%s`: %s" % (spec, e.strerror or e)) from e


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python3 -m latticepol.check",
        description="Run a JSON Lines case file against a VPC Lattice auth policy before deploying "
                    "it. Prints every failing case and `N passed, M failed`.",
        epilog="POLICY is a policy JSON file or `module:attribute` naming the policy dict a "
               "program holds. Exit codes: 0 every case passed, 1 a case failed, 2 usage error, "
               "4 invalid or unreadable input. Example: python3 -m latticepol.check "
               "policies/shared-service/auth-policy.json policies/shared-service/cases.jsonl")
    parser.add_argument("policy", metavar="POLICY", help="policy JSON file or module:attribute")
    parser.add_argument("cases", metavar="CASES", help="JSON Lines case file")
    parser.add_argument("-v", "--verbose", action="store_true", help="list passing cases too")
    parser.add_argument("--lenient", action="store_true",
                        help="parse with the DECISIONs of docs/semantics.md instead of rejecting what Lattice rejects")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="output format (default: text)")
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    """Runs the check; returns the exit code."""
    args = _parser().parse_args(argv)  # exits 2 on usage errors
    try:
        policy = load_policy(args.policy, lenient=args.lenient)
        for issue in policy.warnings:
            print(issue.format(args.policy), file=sys.stderr)
        if not os.path.isfile(args.cases):
            raise _InputError("cannot read cases `%s`: no such file" % args.cases)
        report = latticepol._check(policy, os.path.abspath(args.cases), lenient=args.lenient)
    except latticepol.LatticepolError as e:
        source = e.source if e.source not in ("", "<cases>") else None
        if isinstance(e, latticepol.CasesError):
            source = args.cases
        elif isinstance(e, latticepol.PolicyError) and not source:
            source = args.policy
        for issue in e.issues:
            print(issue.format(source or ""), file=sys.stderr)
        return EXIT_INVALID_INPUT
    except (_InputError, OSError) as e:
        print("latticepol.check: error: %s" % e, file=sys.stderr)
        return EXIT_INVALID_INPUT
    for issue in report.warnings:
        print(issue.format(args.cases), file=sys.stderr)
    if args.format == "json":
        print(json.dumps(report.to_dict()))
    else:
        print(report.to_text(verbose=args.verbose))
    return EXIT_OK if report.ok else EXIT_FAILURE


class _CallableModule(types.ModuleType):
    """`import latticepol.check` rebinds the package attribute `check` from the
    function to this module; keep `latticepol.check(policy, cases)` working by
    making the module call the function."""

    def __call__(self, policy: Any, cases: Any, **kwargs: Any) -> "latticepol.Report":
        return latticepol._check(policy, cases, **kwargs)


if __name__ == "__main__":
    sys.exit(main())
else:
    sys.modules[__name__].__class__ = _CallableModule
