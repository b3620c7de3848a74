"""Shared fixtures for the latticepol Python tests.

ctest runs these with PYTHONPATH=<build>/python (the module CMake built, not
an installed one), LATTICEPOL_SOURCE_DIR and LATTICEPOL_CLI (the built
`latticepol` binary) in the environment.
"""

import os
import pathlib
import sys

import pytest

SOURCE_DIR = pathlib.Path(
    os.environ.get("LATTICEPOL_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
SHARED = SOURCE_DIR / "policies" / "shared-service"

# Running from a source checkout without ctest: find the module in a build dir.
if "PYTHONPATH" not in os.environ:
    for build in ("build", "build-python"):
        candidate = SOURCE_DIR / build / "python"
        if (candidate / "latticepol").is_dir():
            sys.path.insert(0, str(candidate))
            break

import latticepol  # noqa: E402

BLUE = {
    "action": "vpc-lattice-svcs:Invoke",
    "method": "GET",
    "path": "/",
    "query": "q=blue",
    "sourceVpc": "vpc-0b1e",
    "sourceVpcOwnerAccount": "111111111111",
    "port": 80,
    "serviceArn": "arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0123456789abcdef0",
    "principal": None,
}

SIGNED_BLUE_PRINCIPAL = {
    "arn": "arn:aws:iam::111111111111:role/blue-service",
    "account": "111111111111",
    "type": "AssumedRole",
}


@pytest.fixture(scope="session")
def source_dir():
    return SOURCE_DIR


@pytest.fixture(scope="session")
def shared_dir():
    return SHARED


@pytest.fixture(scope="session")
def policy_path():
    return SHARED / "auth-policy.json"


@pytest.fixture(scope="session")
def cases_path():
    return SHARED / "cases.jsonl"


@pytest.fixture(scope="session")
def policy(policy_path):
    return latticepol.Policy.from_file(policy_path)


@pytest.fixture(scope="session")
def blue_request():
    return dict(BLUE)


@pytest.fixture(scope="session")
def cli():
    """Path of the built `latticepol` binary (ctest passes LATTICEPOL_CLI)."""
    path = os.environ.get("LATTICEPOL_CLI", "")
    if not path:
        for build in ("build", "build-python"):
            candidate = SOURCE_DIR / build / "latticepol"
            if candidate.is_file():
                path = str(candidate)
                break
    if not path or not os.access(path, os.X_OK):
        pytest.fail("the latticepol CLI was not found: set LATTICEPOL_CLI (ctest does)")
    return path


@pytest.fixture(scope="session")
def python_env():
    """Environment for child Python processes that must import the same module."""
    env = dict(os.environ)
    module_dir = str(pathlib.Path(latticepol.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (module_dir, env.get("PYTHONPATH", "")) if p)
    return env
