"""Check AWS VPC Lattice auth policies before you attach them.

latticepol parses an auth policy the way Lattice does, evaluates requests
against it with AWS's documented semantics (including the service-network ->
service -> identity chain) and explains every decision. This module is a thin
layer over the C++ library: every decision, explanation and issue comes from
the same engine as the ``latticepol`` command-line tool.

A pre-deploy check in a Pulumi program::

    import latticepol

    policy = latticepol.Policy.from_dict(auth_policy)   # the dict you pass to AuthPolicy
    r = policy.evaluate(query="q=blue", source_vpc_owner_account="111111111111")
    assert r.allowed, r.explain()

    report = latticepol.check(policy, "policies/shared-service/cases.jsonl")
    if not report.ok:
        raise SystemExit(str(report))                   # ... `N passed, M failed`

Main entry points:

- :class:`Policy` (``from_json``, ``from_dict``, ``from_file``, ``evaluate``,
  ``evaluate_many``); invalid input raises :class:`PolicyError`.
- :class:`Request`: a parsed request, reusable across policies and batches.
- :func:`authorize`: the Lattice authorization chain.
- :func:`check`: run a case file (``python3 -m latticepol.check POLICY CASES``
  does the same from a shell).
- :func:`simulate` and :func:`generate`: scenario simulation and
  topology -> policy/stack-file generation.

Policies are immutable: share one between threads, pickle it to ship it to
worker processes. ``evaluate_many`` releases the GIL while it evaluates.
"""

from __future__ import annotations

import datetime as _dt
import enum
import errno
import json
import os
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import _latticepol as _core

__all__ = [
    "Decision",
    "Layer",
    "Issue",
    "LatticepolError",
    "PolicyError",
    "RequestError",
    "CasesError",
    "ScenarioError",
    "IdentitiesError",
    "TopologyError",
    "GenerateError",
    "Policy",
    "Request",
    "Result",
    "LayerResult",
    "ChainResult",
    "CaseResult",
    "Report",
    "SimulationReport",
    "GeneratedFiles",
    "authorize",
    "check",
    "simulate",
    "generate",
    "diff",
    "prove",
    "DECISION_IDS",
    "ReplayReport",
    "decide_lines",
    "replay",
    "DECIDE_ALLOW",
    "DECIDE_EXPLICIT_DENY",
    "DECIDE_IMPLICIT_DENY",
    "DECIDE_INVALID",
    "MAX_POLICY_BYTES",
    "MAX_INPUT_BYTES",
]

__version__: str = getattr(_core, "__version__", "0.0.0")

#: One problem in user input: ``.code``, ``.message``, ``.pointer`` (JSON
#: pointer), ``.line``, ``.column`` (1-based, 0 when unknown), ``.severity``
#: (``"error"`` or ``"warning"``), ``.offset``; ``str(issue)`` formats it as
#: ``line:col: pointer: severity: message [code]``.
Issue = _core.Issue

#: Every DECISION id (docs/semantics.md §8), in order (``"G2"``, ``"P-S"``, ...).
DECISION_IDS: List[str] = list(_core.decision_id_names())

#: Size limits of the files read whole, the CLI's: policy files (1 MiB) and
#: other inputs such as case files and topologies (64 MiB).
MAX_POLICY_BYTES: int = _core.MAX_POLICY_BYTES
MAX_INPUT_BYTES: int = _core.MAX_INPUT_BYTES


class Decision(str, enum.Enum):
    """The outcome of an evaluation. A ``str`` enum: ``Decision.ALLOW == "ALLOW"``."""

    ALLOW = "ALLOW"
    EXPLICIT_DENY = "EXPLICIT_DENY"
    IMPLICIT_DENY = "IMPLICIT_DENY"

    def __str__(self) -> str:
        return self.value


class Layer(str, enum.Enum):
    """A layer of the Lattice chain; ``NONE`` when the chain allowed."""

    NONE = "none"
    NETWORK = "network"
    SERVICE = "service"
    IDENTITY = "identity"

    def __str__(self) -> str:
        return self.value


# ---- Errors -------------------------------------------------------------------


class LatticepolError(ValueError):
    """Base class of the input errors below. ``.issues`` lists every problem."""

    #: What kind of input was invalid, used in the message.
    what = "input"

    def __init__(self, issues: Sequence[Issue], source: str = "") -> None:
        self.issues: List[Issue] = list(issues)
        self.source = source
        errors = [i for i in self.issues if i.is_error] or self.issues
        lines = [i.format(source) for i in errors]
        if len(lines) == 1:
            message = "invalid %s: %s" % (self.what, lines[0])
        else:
            message = "invalid %s (%d issues):\n  %s" % (self.what, len(lines), "\n  ".join(lines))
        super().__init__(message)

    @property
    def errors(self) -> List[Issue]:
        """The issues with severity ``error``."""
        return [i for i in self.issues if i.is_error]


class PolicyError(LatticepolError):
    """An auth policy is invalid (strict mode rejects what Lattice rejects)."""

    what = "policy"


class IdentitiesError(LatticepolError):
    """A per-caller identities file (``identities=`` of :func:`replay`) is invalid."""

    what = "identities"


class RequestError(LatticepolError):
    """A request is not valid canonical request JSON (unknown field, bad value...)."""

    what = "request"


class CasesError(LatticepolError):
    """A case file is invalid, or a case could not run (e.g. it has no policy).

    Each issue's ``.line`` is the line of the case in the file (for a list of
    case dicts: its position + 1).
    """

    what = "cases"


class ScenarioError(LatticepolError):
    """A simulation scenario is invalid."""

    what = "scenario"


class TopologyError(LatticepolError):
    """A topology file, or the stack outputs given with it, is invalid."""

    what = "topology"


class GenerateError(ValueError):
    """The generated policy failed its verification against the topology's intent.

    ``.failures`` lists one line per failing request class; ``.issues`` the
    problems in the stack outputs or existing stack files, if any.
    """

    def __init__(self, failures: Sequence[str], issues: Sequence[Issue] = ()) -> None:
        self.failures = list(failures)
        self.issues = list(issues)
        lines = [str(i) for i in self.issues if i.is_error] + self.failures
        super().__init__("generation failed:\n  " + "\n  ".join(lines))


# ---- Requests -----------------------------------------------------------------

# Keyword arguments -> canonical request JSON keys (see request_json.h).
_REQUEST_KEYS = {
    "action": "action",
    "method": "method",
    "path": "path",
    "query": "query",
    "headers": "headers",
    "source_vpc": "sourceVpc",
    "source_vpc_owner_account": "sourceVpcOwnerAccount",
    "port": "port",
    "service_arn": "serviceArn",
    "service_network_arn": "serviceNetworkArn",
    "principal": "principal",
    "resource_tags": "resourceTags",
    "source_ip": "sourceIp",
    "time": "time",
}
_PRINCIPAL_KEYS = {"org_id": "orgId", "org_paths": "orgPaths", "session_arn": "sessionArn"}


def _time_text(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat() + "Z"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(int(value))
    return value


def _request_dict(request: Optional[Mapping[str, Any]], kwargs: Mapping[str, Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = dict(request) if request is not None else {}
    for name, value in kwargs.items():
        key = _REQUEST_KEYS.get(name)
        if key is None:
            raise TypeError(
                "unknown request field %r; expected one of: %s" % (name, ", ".join(_REQUEST_KEYS))
            )
        if key == "principal" and isinstance(value, Mapping):
            value = {_PRINCIPAL_KEYS.get(k, k): v for k, v in value.items()}
        out[key] = value
    if "time" in out:
        out["time"] = _time_text(out["time"])
    return out


class Request:
    """A parsed request in the canonical request JSON shape (see the README).

    Build one from a dict (``Request({"query": "q=blue"})``), keyword
    arguments (``Request(query="q=blue", source_vpc_owner_account="111111111111")``)
    or both (keywords override). Parsing happens once: reuse the object for
    many evaluations. Raises :class:`RequestError` for invalid input.
    """

    __slots__ = ("_core",)

    def __init__(self, request: Optional[Mapping[str, Any]] = None, **kwargs: Any) -> None:
        if isinstance(request, Request):
            if kwargs:
                request = request.to_dict()
            else:
                self._core = request._core
                return
        self._core = _parse_request(json.dumps(_request_dict(request, kwargs)))

    @classmethod
    def from_json(cls, text: str) -> "Request":
        """Parses canonical request JSON text."""
        obj = cls.__new__(cls)
        obj._core = _parse_request(text)
        return obj

    @classmethod
    def _wrap(cls, core: Any) -> "Request":
        obj = cls.__new__(cls)
        obj._core = core
        return obj

    @property
    def signed(self) -> bool:
        """True iff the request has a principal (a SigV4-signed caller)."""
        return bool(self._core.is_signed)

    def to_json(self) -> str:
        """Canonical single-line JSON (paste into ``latticepol eval --request -``)."""
        return self._core.to_json()

    def to_dict(self) -> Dict[str, Any]:
        return json.loads(self._core.to_json())

    def __reduce__(self) -> Any:
        return (Request.from_json, (self.to_json(),))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Request) and self.to_json() == other.to_json()

    def __hash__(self) -> int:
        return hash(self.to_json())

    def __repr__(self) -> str:
        return "Request(%s)" % self.to_json()


def _parse_request(text: str) -> Any:
    core, issues = _core.parse_request(text)
    if core is None:
        raise RequestError(issues)
    return core


def _as_request(request: Any, kwargs: Mapping[str, Any]) -> Any:
    if isinstance(request, Request) and not kwargs:
        return request._core
    if isinstance(request, str):
        if kwargs:
            raise TypeError("pass either request JSON text or keyword arguments, not both")
        return _parse_request(request)
    if request is not None and not isinstance(request, (Mapping, Request)):
        raise TypeError("request must be a dict, a Request or JSON text, not %s" % type(request).__name__)
    return Request(request, **kwargs)._core


# ---- Policies -----------------------------------------------------------------


class Result:
    """The decision for one request against one policy.

    The decision comes from the compiled matcher; ``uncertain`` (exact) and
    ``explain()`` come from the reference evaluator, which runs only when
    needed.
    """

    __slots__ = ("_core",)

    def __init__(self, core: Any) -> None:
        self._core = core

    @property
    def decision(self) -> Decision:
        """:class:`Decision`: ALLOW, EXPLICIT_DENY or IMPLICIT_DENY."""
        return Decision(self._core.decision)

    @property
    def allowed(self) -> bool:
        """True iff the decision is ALLOW."""
        return self._core.decision == "ALLOW"

    @property
    def uncertain(self) -> List[str]:
        """The DECISION ids (docs/semantics.md §8) (e.g. ``"Q2"``) the outcome rests on; empty when none."""
        return list(self._core.uncertain)

    @property
    def statement(self) -> Optional[int]:
        """Index of the deciding statement (first applicable Deny, or first Allow); None for IMPLICIT_DENY."""
        s = self._core.statement
        return None if s < 0 else s

    @property
    def request(self) -> Request:
        """The request that was evaluated."""
        return Request._wrap(self._core.request)

    def explain(self, max_closest: int = 3) -> str:
        """Explains the decision: the allowing statement, the denying one, or the
        closest Allow statements with the condition that failed and the value
        that would have passed."""
        text = self._core.explain(max_closest)
        error = self._core.internal_error()
        return "internal error: %s\n%s" % (error, text) if error else text

    def explain_json(self, max_closest: int = 3) -> Dict[str, Any]:
        """The explanation as a dict (``decision``, ``statement``, ``uncertain``, ``statements``)."""
        return json.loads(self._core.explain_json(max_closest))

    def to_dict(self) -> Dict[str, Any]:
        """``{"decision", "allowed", "statement", "uncertain", "explanation"}``."""
        return {
            "decision": self.decision.value,
            "allowed": self.allowed,
            "statement": self.statement,
            "uncertain": self.uncertain,
            "explanation": self.explain(),
        }

    def __bool__(self) -> bool:
        return self.allowed

    def __repr__(self) -> str:
        return "Result(decision=%s, statement=%r, uncertain=%r)" % (
            self.decision.value, self.statement, self.uncertain)


class Policy:
    """A parsed, compiled VPC Lattice auth policy. Immutable and thread-safe.

    Create one with :meth:`from_json`, :meth:`from_dict` or :meth:`from_file`.
    Strict parsing (the default) rejects what Lattice rejects; ``lenient=True``
    follows the DECISIONs of docs/semantics.md instead. ``identity=True`` parses an
    identity-based policy (no Principal) for the identity layer of
    :func:`authorize`. Policies pickle (by their JSON text).
    """

    __slots__ = ("_core",)

    def __init__(self, core: Any) -> None:
        if not isinstance(core, _core.PolicyCore):
            raise TypeError("use Policy.from_json, Policy.from_dict or Policy.from_file")
        self._core = core

    @classmethod
    def from_json(cls, text: str, *, lenient: bool = False, identity: bool = False,
                  source: str = "") -> "Policy":
        """Parses policy JSON text (``str``, or UTF-8 ``bytes``/``bytearray``/
        ``memoryview``). Raises :class:`PolicyError` with ``.issues``; invalid
        UTF-8 is one of them, located like any other (never a
        ``UnicodeDecodeError``)."""
        core, issues = _core.parse_policy(_utf8_bytes(text, "policy"), not lenient, identity)
        if core is None:
            raise PolicyError(issues, source)
        return cls(core)

    @classmethod
    def from_dict(cls, document: Mapping[str, Any], *, lenient: bool = False,
                  identity: bool = False) -> "Policy":
        """Parses the policy dict a program holds (e.g. the ``policy=`` of a
        Pulumi ``vpclattice.AuthPolicy``), serialised as compact JSON, the way
        it is sent to Lattice. Issue lines and columns refer to that text."""
        if not isinstance(document, Mapping):
            raise TypeError("from_dict expects a dict, not %s" % type(document).__name__)
        return cls.from_json(json.dumps(document, separators=(",", ":")), lenient=lenient,
                             identity=identity, source="<dict>")

    @classmethod
    def from_file(cls, path: Union[str, "os.PathLike[str]"], *, lenient: bool = False,
                  identity: bool = False) -> "Policy":
        """Reads and parses a policy file. Issues are formatted with the file name.

        The file is read with the same checks and limits as the CLI: it must
        be a regular file (directories, FIFOs and devices such as /dev/zero
        raise ``OSError``: ``IsADirectoryError`` or ``errno.EINVAL``) of at
        most ``MAX_POLICY_BYTES`` (1 MiB; larger raises ``OSError`` with
        ``errno.EFBIG``); a missing file raises ``FileNotFoundError``."""
        data = _read_file(path, _core.MAX_POLICY_BYTES)
        return cls.from_json(data, lenient=lenient, identity=identity, source=os.fspath(path))

    def analyze(self, *, network: Any = None, service_auth_type: Optional[str] = None,
                network_auth_type: Optional[str] = None,
                identity_decision: Optional[str] = None, callers: str = "any",
                service_arn: Optional[str] = None) -> Dict[str, Any]:
        """Who can do what, over every request: ``{"complete", "allowed":
        [{"region", "statements", "witness"}], "explicitly_denied": [...],
        "statements": [{"index", "sid", "effect", "applicable", "effective",
        "witness"}]}``; witnesses are :class:`Request` objects checked by both
        evaluators. Options as for :func:`diff`."""
        net = _as_policy(network, what="network")
        data = json.loads(_core.analyze(self._core, net and net._core, service_auth_type or "",
                                        network_auth_type or "", identity_decision or "",
                                        callers, service_arn or ""))
        for entry in data["allowed"] + data["explicitly_denied"] + data["statements"]:
            if entry.get("witness") is not None:
                entry["witness"] = Request(entry["witness"])
        return data

    def would_pass(self, request: Union[Mapping[str, Any], Request, str, None] = None, *,
                   network: Any = None, service_auth_type: Optional[str] = None,
                   network_auth_type: Optional[str] = None,
                   identity_decision: Optional[str] = None, **kwargs: Any) -> Dict[str, Any]:
        """The smallest change that lets a denied request through (as ``latticepol
        eval`` prints under "would pass with"): the fewest fields the caller
        controls (method, path, each header and query key the policies name)
        whose change makes the chain (this policy as the service policy, with
        the options of :func:`diff`) ALLOW the request; the caller, its VPC,
        port, action and service stay as they are.

        Returns ``{"complete", "changes": [{"field", "from", "to"}],
        "request"}``: ``from``/``to`` are JSON text (``'"GET"'``) or
        ``"absent"``; ``request`` is the changed :class:`Request`, allowed by
        both evaluators. ``changes`` is ``[]`` for a request that is already
        allowed, and ``changes`` and ``request`` are None when no such change
        exists (``complete`` True) or the search gave up (``complete`` False).
        ``request`` and keyword arguments are as for :meth:`evaluate`."""
        net = _as_policy(network, what="network")
        data = json.loads(_core.would_pass(self._core, _as_request(request, kwargs), net and net._core,
                                           service_auth_type or "", network_auth_type or "",
                                           identity_decision or ""))
        if data.get("request") is not None:
            data["request"] = Request(data["request"])
        return data

    @property
    def warnings(self) -> List[Issue]:
        """Warnings found while parsing (e.g. a policy over 10,000 characters)."""
        return list(self._core.warnings)

    @property
    def text(self) -> str:
        """The JSON text the policy was parsed from."""
        return self._core.text

    @property
    def lenient(self) -> bool:
        return not self._core.strict

    @property
    def identity(self) -> bool:
        """True for an identity-based policy (parsed with ``identity=True``)."""
        return self._core.identity

    @property
    def sids(self) -> List[str]:
        """The Sid of each statement, in order ("" when a statement has none)."""
        return list(self._core.sids)

    def __len__(self) -> int:
        """The number of statements."""
        return self._core.statement_count

    def to_json(self) -> str:
        """The canonical minified JSON of the parsed document."""
        return self._core.canonical_json()

    def to_dict(self) -> Dict[str, Any]:
        return json.loads(self._core.canonical_json())

    def evaluate(self, request: Union[Mapping[str, Any], Request, str, None] = None,
                 **kwargs: Any) -> Result:
        """Decides one request against this policy alone (docs/semantics.md §4.1).

        ``request`` is a dict in the canonical request JSON shape, a
        :class:`Request`, or JSON text; keyword arguments (``method``,
        ``path``, ``query``, ``headers``, ``source_vpc``,
        ``source_vpc_owner_account``, ``port``, ``service_arn``,
        ``service_network_arn``, ``principal`` (None = anonymous, or a dict),
        ``action``, ``resource_tags``, ``source_ip``, ``time``) set or override
        fields. Raises :class:`RequestError` for an invalid request.
        """
        return Result(self._core.evaluate(_as_request(request, kwargs)))

    def evaluate_many(self, requests: Iterable[Union[Mapping[str, Any], Request, str]]) -> List[Result]:
        """Decides a batch of requests (dicts, :class:`Request` objects or JSON
        text). Requests are parsed with the GIL held, then the whole batch is
        evaluated in C++ with the GIL released, so other Python threads keep
        running. Raises :class:`RequestError` naming the first invalid request."""
        return [Result(c) for c in self._core.evaluate_many(_request_cores(requests), True)]

    def decide_lines(self, data: Any, *, format: str = "auto", threads: int = 1) -> Any:
        """Decides every non-blank line of ``data`` against this policy alone
        and returns a ``numpy.ndarray`` of ``uint8``, one entry per non-blank
        line: 0 ALLOW, 1 EXPLICIT_DENY, 2 IMPLICIT_DENY, 255 for a line that
        is not a valid record (``DECIDE_*`` constants).

        ``data`` is any buffer: ``bytes``, ``bytearray``, ``memoryview``,
        ``mmap.mmap``, holding canonical request JSON Lines and/or VPC Lattice
        access-log records (``format``: ``"auto"`` per line, ``"jsonl"`` or
        ``"accesslog"``). The bytes are read in place with the GIL released
        and no Python object per line; memory is one byte per line plus the
        replay's batch. ``threads`` > 1 evaluates groups of lines in
        parallel (0 = every core). Same decisions as :meth:`evaluate` on each
        line (the policy is the service layer of a chain with no network
        layer, so a signed caller's identity layer is assumed to allow, E2).
        Needs numpy."""
        return decide_lines(data, service_policy=self, format=format, threads=threads)

    def _evaluate_many_holding_gil(self, requests: Iterable[Any]) -> List[Result]:
        # FOR TESTING ONLY: the same batch without releasing the GIL (the
        # control of the GIL-release test).
        return [Result(c) for c in self._core.evaluate_many(_request_cores(requests), False)]

    def __reduce__(self) -> Any:
        # (text, strict, identity), re-parsed on load; plain data, so every
        # pickle protocol (0 to 5) works.
        return (_restore_policy, (self._core.text.encode("utf-8"), self.lenient, self.identity))

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Policy) and self.text == other.text
                and self.lenient == other.lenient and self.identity == other.identity)

    def __hash__(self) -> int:
        return hash((self.text, self.lenient, self.identity))

    def __repr__(self) -> str:
        return "Policy(statements=%d, sids=%r)" % (len(self), self.sids)


# Unpicklers of the extension's objects (their __reduce__ names these).
def _restore_policy_core(text: bytes, strict: bool, identity: bool) -> Any:
    return _core._restore_policy(text, strict, identity)


def _restore_request_core(text: bytes) -> Any:
    return _core._restore_request(text)


def _restore_replay_core(state: Any) -> Any:
    return _core._restore_replay(state)


def _restore_policy(text: bytes, lenient: bool, identity: bool) -> Policy:
    return Policy.from_json(text, lenient=lenient, identity=identity)


def _utf8_bytes(text: Any, what: str) -> bytes:
    """str | bytes-like -> UTF-8 bytes for the library, which reports invalid
    UTF-8 as a located issue (lone surrogates in a str become such bytes)."""
    if isinstance(text, str):
        return text.encode("utf-8", "surrogatepass")
    if isinstance(text, (bytes, bytearray, memoryview)):
        return bytes(text)
    raise TypeError("%s must be str or bytes, not %s" % (what, type(text).__name__))


def _read_file(path: Union[str, "os.PathLike[str]"], max_bytes: int) -> bytes:
    """Reads a whole input file with the library's checks and limits (the
    CLI's): regular files only, at most ``max_bytes``."""
    name = os.fspath(path)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    if not isinstance(name, str):
        raise TypeError("path must be str or os.PathLike, not %s" % type(path).__name__)
    data, message, code = _core.read_input_file(name, max_bytes)
    if data is None:
        exc = {errno.ENOENT: FileNotFoundError, errno.EACCES: PermissionError,
               errno.EISDIR: IsADirectoryError}.get(code, OSError)
        raise exc(code, message, name)
    return data


def _request_cores(requests: Iterable[Any]) -> List[Any]:
    cores = []
    for i, r in enumerate(requests):
        try:
            cores.append(_as_request(r, {}))
        except RequestError as e:
            raise RequestError(e.issues, "request %d" % i) from None
    return cores


def _looks_like_json(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


def _as_policy(value: Any, *, identity: bool = False, what: str = "policy") -> Optional[Policy]:
    """Policy | dict | JSON text | path -> Policy (None stays None)."""
    if value is None or isinstance(value, Policy):
        if isinstance(value, Policy) and identity and not value.identity:
            return Policy.from_json(value.text, lenient=value.lenient, identity=True)
        return value
    if isinstance(value, Mapping):
        return Policy.from_dict(value, identity=identity)
    if isinstance(value, os.PathLike):
        return Policy.from_file(value, identity=identity)
    if isinstance(value, str):
        if _looks_like_json(value):
            return Policy.from_json(value, identity=identity)
        return Policy.from_file(value, identity=identity)
    raise TypeError("%s must be a Policy, a dict, JSON text or a path, not %s"
                    % (what, type(value).__name__))


# ---- The Lattice chain --------------------------------------------------------------


class LayerResult:
    """One layer's part in a chain decision."""

    __slots__ = ("layer", "evaluated", "has_policy", "assumed", "decision", "statement")

    def __init__(self, layer: Layer, d: Mapping[str, Any]) -> None:
        self.layer = layer
        #: False when the layer was skipped (auth type NONE, or anonymous caller for identity).
        self.evaluated: bool = d["evaluated"]
        #: False with ``evaluated``: AWS_IAM with no policy attached (IMPLICIT_DENY).
        self.has_policy: bool = d["has_policy"]
        #: Identity layer: no identity input was given, ASSUMED_ALLOW (E2).
        self.assumed: bool = d["assumed"]
        #: The layer's decision; None when the layer was skipped.
        self.decision: Optional[Decision] = Decision(d["decision"]) if d["evaluated"] else None
        #: The deciding statement of the layer's policy, if any.
        self.statement: Optional[int] = d["statement"] if d["statement"] >= 0 else None

    @property
    def allowed(self) -> bool:
        """True iff the layer did not stop the request (skipped layers allow)."""
        return self.decision is None or self.decision is Decision.ALLOW

    def __repr__(self) -> str:
        return "LayerResult(layer=%s, evaluated=%r, decision=%s)" % (
            self.layer.value, self.evaluated, self.decision and self.decision.value)


class ChainResult:
    """The decision of the Lattice authorization chain (docs/semantics.md §4.2)."""

    def __init__(self, d: Mapping[str, Any]) -> None:
        self._d = d
        self.decision = Decision(d["decision"])
        #: The primary deciding layer (E3); Layer.NONE when allowed.
        self.layer = Layer(d["layer"])
        #: Every layer that did not allow, in chain order.
        self.failing_layers = [Layer(x) for x in d["failing_layers"]]
        #: Exact DECISION ids (reference path), including E1/E2 from the chain itself.
        self.uncertain: List[str] = list(d["uncertain"])
        self.network = LayerResult(Layer.NETWORK, d["network"])
        self.service = LayerResult(Layer.SERVICE, d["service"])
        self.identity = LayerResult(Layer.IDENTITY, d["identity"])

    @property
    def allowed(self) -> bool:
        return self.decision is Decision.ALLOW

    @property
    def layers(self) -> List[LayerResult]:
        """The network, service and identity layer results."""
        return [self.network, self.service, self.identity]

    def explain(self) -> str:
        """One block per layer: its outcome and the reference explanation."""
        error = self._d["internal_error"]
        text = self._d["explanation"]
        return "internal error: %s\n%s" % (error, text) if error else text

    def to_dict(self) -> Dict[str, Any]:
        """The same JSON object as ``latticepol eval --format json``."""
        return json.loads(self._d["explanation_json"])

    def __bool__(self) -> bool:
        return self.allowed

    def __repr__(self) -> str:
        return "ChainResult(decision=%s, layer=%s, uncertain=%r)" % (
            self.decision.value, self.layer.value, self.uncertain)


def _name(value: Any) -> Optional[str]:
    if value is None:
        return None
    return value.value if isinstance(value, enum.Enum) else str(value)


def authorize(request: Union[Mapping[str, Any], Request, str, None] = None, *,
              service_policy: Any = None, network_policy: Any = None,
              service_auth_type: Optional[str] = None, network_auth_type: Optional[str] = None,
              identity_policy: Any = None, identity_decision: Union[Decision, str, None] = None,
              **kwargs: Any) -> ChainResult:
    """Decides a request through the Lattice chain: service-network layer,
    service layer, identity layer (docs/semantics.md §4.2).

    Policies may be :class:`Policy` objects, dicts, JSON text or paths.
    ``service_auth_type`` defaults to ``"AWS_IAM"``; ``network_auth_type`` to
    ``"AWS_IAM"`` when a network policy is given, else ``"NONE"`` (the
    defaults of ``latticepol eval`` and of case files). AWS_IAM without a
    policy denies everything. For a signed caller (a ``principal``) with
    neither ``identity_policy`` nor ``identity_decision``, the identity layer
    is assumed to allow and the result is marked uncertain (E2). The request
    is given as in :meth:`Policy.evaluate` (dict, Request, JSON text and/or
    keyword arguments).
    """
    req = _as_request(request, kwargs)
    service = _as_policy(service_policy, what="service_policy")
    network = _as_policy(network_policy, what="network_policy")
    identity = _as_policy(identity_policy, identity=True, what="identity_policy")
    if network_auth_type is None:
        network_auth_type = "AWS_IAM" if network is not None else "NONE"
    if service_auth_type is None:
        service_auth_type = "AWS_IAM"
    d = _core.authorize(req, service and service._core, network and network._core,
                        identity and identity._core, _name(service_auth_type),
                        _name(network_auth_type), _name(identity_decision))
    return ChainResult(d)


# ---- Bulk decisions and replay ------------------------------------------------------

#: Values of :func:`decide_lines` arrays.
DECIDE_ALLOW = 0
DECIDE_EXPLICIT_DENY = 1
DECIDE_IMPLICIT_DENY = 2
DECIDE_INVALID = 255


def _chain_args(service_policy: Any, network_policy: Any, identity_policy: Any,
                service_auth_type: Any, network_auth_type: Any,
                identity_decision: Any) -> Any:
    """The chain of :func:`authorize`, as the extension's ChainArgs."""
    service = _as_policy(service_policy, what="service_policy")
    network = _as_policy(network_policy, what="network_policy")
    identity = _as_policy(identity_policy, identity=True, what="identity_policy")
    args = _core.ChainArgs()
    args.service = service and service._core
    args.network = network and network._core
    args.identity = identity and identity._core
    args.service_auth_type = _name(service_auth_type) or "AWS_IAM"
    args.network_auth_type = _name(network_auth_type) or ("AWS_IAM" if network else "NONE")
    args.identity_decision = _name(identity_decision)
    return args


def _check_threads(threads: Any) -> int:
    _check_count("threads", threads, minimum=0)
    return 1 if threads is None else threads


def decide_lines(data: Any, *, service_policy: Any = None, network_policy: Any = None,
                 identity_policy: Any = None, service_auth_type: Optional[str] = None,
                 network_auth_type: Optional[str] = None,
                 identity_decision: Union[Decision, str, None] = None,
                 format: str = "auto", threads: int = 1) -> Any:
    """The chain variant of :meth:`Policy.decide_lines`: every non-blank line
    of ``data`` through the Lattice chain, configured as in :func:`authorize`
    (policies as objects, dicts, JSON text or paths; the same defaults).
    Returns a ``numpy.ndarray`` of ``uint8`` (0 ALLOW, 1 EXPLICIT_DENY,
    2 IMPLICIT_DENY, 255 invalid line), one entry per non-blank line."""
    import numpy  # lazily: the rest of the module works without numpy

    args = _chain_args(service_policy, network_policy, identity_policy, service_auth_type,
                       network_auth_type, identity_decision)
    if isinstance(data, str):
        raise TypeError("decide_lines expects bytes-like data (encode text as UTF-8)")
    out = _core.decide_lines(data, args, format, _check_threads(threads))
    return numpy.frombuffer(out, dtype=numpy.uint8)


class ReplayReport:
    """The report of :func:`replay` (and ``latticepol.dask.replay``): the
    same report as ``latticepol simulate --replay``. ``str()`` is its text
    report; :meth:`to_dict` its JSON report (the same keys). Picklable."""

    __slots__ = ("_core",)

    def __init__(self, core: Any) -> None:
        if not isinstance(core, _core.ReplayCore):
            raise TypeError("ReplayReport is returned by latticepol.replay")
        self._core = core

    def to_dict(self, include_timing: bool = True) -> Dict[str, Any]:
        """The JSON report of ``latticepol simulate --replay --format json``
        (``include_timing=False`` drops ``timing``)."""
        return json.loads(self._core.to_json(include_timing))

    def to_text(self, include_timing: bool = True) -> str:
        return self._core.to_text(include_timing)

    @property
    def lines(self) -> int:
        return int(self._core.lines)

    @property
    def errors(self) -> List[Tuple[str, int, int, str]]:
        """The malformed lines listed in the report: ``(source, line, column,
        message)``; ``source`` is empty for a single input."""
        return list(self._core.errors())

    @property
    def stopped(self) -> bool:
        """``strict=True`` stopped at a malformed line (the CLI exits 4)."""
        return bool(self._core.stopped)

    @property
    def disagreements(self) -> int:
        """Access-log records whose logged verdict the policy certainly contradicts."""
        return int(self._core.disagreements)

    @property
    def ok(self) -> bool:
        """True iff no certain disagreement with a logged verdict (the CLI's exit 0)."""
        return self.disagreements == 0

    def __bool__(self) -> bool:
        return self.ok

    def __reduce__(self) -> Any:
        return (ReplayReport, (self._core,))

    def __str__(self) -> str:
        return self.to_text().rstrip("\n")

    def __repr__(self) -> str:
        return "ReplayReport(lines=%d, disagreements=%d)" % (self.lines, self.disagreements)


def _load_identities(value: Any) -> Any:
    """``identities=``: None, a path, a dict (the file's JSON) or JSON text ->
    the parsed and compiled native identities (or None). Policy paths in a
    file resolve against its directory, in a dict or text against the
    current directory."""
    if value is None or isinstance(value, _core.IdentitiesCore):
        return value
    if isinstance(value, dict):
        text, base, source = json.dumps(value), "", "<identities>"
    elif isinstance(value, (str, os.PathLike)) and not (
            isinstance(value, str) and value.lstrip().startswith("{")):
        source = os.fspath(value)
        text = _read_file(source, _core.MAX_INPUT_BYTES).decode("utf-8", "surrogateescape")
        base = os.path.dirname(source)
    elif isinstance(value, str):
        text, base, source = value, "", "<identities>"
    else:
        raise TypeError("identities must be a path, a dict or JSON text, not %s"
                        % type(value).__name__)
    core, issues = _core.parse_identities(text, base)
    if core is None:
        raise IdentitiesError(issues, source)
    return core


def _replay_args(policy: Any, network_policy: Any, identity_policy: Any, service_auth_type: Any,
                 network_auth_type: Any, identity_decision: Any, candidate: Any,
                 candidate_name: str, format: str, strict: bool, threads: Any,
                 max_samples: Any, max_errors: Any, identities: Any = None) -> Any:
    args = _core.ReplayArgs()
    args.identities = _load_identities(identities)
    args.chain = _chain_args(policy, network_policy, identity_policy, service_auth_type,
                             network_auth_type, identity_decision)
    cand = _as_policy(candidate, what="candidate")
    args.candidate = cand and cand._core
    args.candidate_name = candidate_name
    args.format = format
    args.strict = bool(strict)
    args.threads = _check_threads(threads)
    _check_count("max_samples", max_samples, minimum=0)
    _check_count("max_errors", max_errors, minimum=0)
    args.max_samples = 5 if max_samples is None else max_samples
    args.max_errors = 20 if max_errors is None else max_errors
    return args


def _candidate_name(candidate: Any, name: Optional[str]) -> str:
    """The CLI names the shadow policy by its path."""
    if name is not None:
        return name
    if isinstance(candidate, os.PathLike) or (
            isinstance(candidate, str) and not _looks_like_json(candidate)):
        return os.fspath(candidate)
    return "candidate"


def _is_buffer(data: Any) -> bool:
    if isinstance(data, (bytes, bytearray, memoryview)):
        return True
    try:
        memoryview(data).release()
        return True
    except TypeError:
        return False


def replay(inputs: Any, policy: Any = None, *, network_policy: Any = None,
           identity_policy: Any = None, service_auth_type: Optional[str] = None,
           network_auth_type: Optional[str] = None,
           identity_decision: Union[Decision, str, None] = None, candidate: Any = None,
           candidate_name: Optional[str] = None, format: str = "auto", strict: bool = False,
           threads: int = 1, max_samples: Optional[int] = None,
           max_errors: Optional[int] = None, source: str = "<buffer>",
           identities: Any = None) -> ReplayReport:
    """Replays recorded traffic like ``latticepol simulate --replay``:
    totals, per-statement hits, uncertain counts, disagreements with logged
    verdicts, malformed lines with their line numbers, and the candidate
    (shadow) comparison.

    ``inputs`` is a path, a glob, a list of them (``.gz`` files are read
    compressed; each file keeps its own line numbers) or a bytes-like buffer
    (named ``source`` in the report). ``policy`` is the service policy (as in
    :func:`authorize`, with the same chain options); ``candidate`` a service
    policy evaluated on the same stream (``--shadow``). ``max_samples``
    (default 5) and ``max_errors`` (default 20) bound what is listed.
    ``identities`` gives per-caller identity inputs (``--identities``,
    docs/formats/identities.md): a file path, or the same document as a dict.
    The GIL is released while it runs. Raises ``OSError`` for an unreadable
    input, :class:`IdentitiesError` for an invalid identities document and
    ``ValueError`` for a bad option or a glob that matches nothing."""
    args = _replay_args(policy, network_policy, identity_policy, service_auth_type,
                        network_auth_type, identity_decision, candidate,
                        _candidate_name(candidate, candidate_name),
                        format, strict, threads, max_samples, max_errors, identities)
    if isinstance(inputs, str) or isinstance(inputs, os.PathLike):
        paths = [os.fspath(inputs)]
    elif _is_buffer(inputs):
        return ReplayReport(_core.replay_buffer(inputs, args, source))
    else:
        paths = [os.fspath(p) for p in inputs]
        if not paths:
            raise ValueError("replay needs at least one input")
    try:
        return ReplayReport(_core.replay_files(paths, args))
    except RuntimeError as e:
        raise OSError(str(e)) from None


# ---- Case files ---------------------------------------------------------------------


class CaseResult:
    """The outcome of one test case."""

    __slots__ = ("name", "line", "expected", "got", "layer", "chain", "passed", "skipped",
                 "skip_reason", "internal_error", "uncertain", "explanation")

    def __init__(self, d: Mapping[str, Any]) -> None:
        self.name: str = d["name"]
        #: Line of the case in its file (list of dicts: position + 1).
        self.line: int = d["line"]
        self.expected = Decision(d["expected"])
        self.got = Decision(d["got"])
        #: The deciding layer (``service`` for single-policy denies, ``none`` for ALLOW).
        self.layer = Layer(d["layer"])
        self.chain: bool = d["chain"]
        self.passed: bool = d["passed"]
        self.skipped: bool = d["skipped"]
        self.skip_reason: str = d["skip_reason"]
        #: The compiled and the reference path disagreed (a latticepol bug).
        self.internal_error: bool = d["internal_error"]
        self.uncertain: List[str] = list(d["uncertain"])
        self.explanation: str = d["explanation"]

    def __repr__(self) -> str:
        state = "skipped" if self.skipped else ("passed" if self.passed else "FAILED")
        return "CaseResult(%r, line=%d, expected=%s, got=%s, %s)" % (
            self.name, self.line, self.expected.value, self.got.value, state)


class Report:
    """The result of :func:`check`. ``str(report)`` lists every failing case
    (name, line, expected vs got, explanation) and ends with
    ``N passed, M failed``, exactly like ``latticepol check``."""

    def __init__(self, d: Mapping[str, Any], warnings: Sequence[Issue]) -> None:
        self._d = d
        self.passed: int = d["passed"]
        self.failed: int = d["failed"]
        self.skipped: int = d["skipped"]
        #: Every case, in file order.
        self.results: List[CaseResult] = [CaseResult(r) for r in d["results"]]
        #: Warnings about the case file (e.g. duplicate case names).
        self.warnings: List[Issue] = list(warnings)

    @property
    def ok(self) -> bool:
        """True iff no case failed."""
        return bool(self._d["ok"])

    @property
    def failures(self) -> List[CaseResult]:
        """The failing cases (``.name``, ``.expected``, ``.got``, ``.explanation``...)."""
        return [r for r in self.results if not r.passed and not r.skipped]

    @property
    def summary(self) -> str:
        """The closing line: ``N passed, M failed`` (``, K skipped`` when K > 0)."""
        return self.to_text().rsplit("\n", 1)[-1]

    def to_text(self, verbose: bool = False) -> str:
        """The report text; ``verbose`` lists passing cases too."""
        return self._d["text_verbose" if verbose else "text"].rstrip("\n")

    def to_dict(self) -> Dict[str, Any]:
        """The same JSON object as ``latticepol check --format json``."""
        return json.loads(self._d["json"])

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return "Report(%s)" % self.summary


def _read_text(path: Union[str, "os.PathLike[str]"]) -> str:
    return _read_file(path, _core.MAX_INPUT_BYTES).decode("utf-8", errors="replace")


def _cases_text(cases: Any) -> Tuple[str, str]:
    if isinstance(cases, os.PathLike):
        return _read_text(cases), os.fspath(cases)
    if isinstance(cases, bytes):
        cases = cases.decode("utf-8", errors="replace")
    if isinstance(cases, str):
        if "\n" in cases or _looks_like_json(cases) or not cases.strip():
            return cases, "<cases>"
        return _read_text(cases), cases
    if isinstance(cases, Mapping):
        cases = [cases]
    lines = []
    for i, case in enumerate(cases):
        if not isinstance(case, Mapping):
            raise TypeError("case %d must be a dict, not %s" % (i, type(case).__name__))
        lines.append(json.dumps(case))
    return "\n".join(lines) + "\n", "<cases>"


def check(policy: Any, cases: Any, *, lenient: bool = False) -> Report:
    """Runs test cases against a policy, like ``latticepol check``.

    ``policy`` is a :class:`Policy`, a dict, JSON text, a path, or None (every
    case then needs an inline ``policy``). ``cases`` is a case-file path,
    JSON Lines text, or a list of case dicts in the case-file format::

        {"name": "blue allowed", "request": {"query": "q=blue", ...}, "expect": "ALLOW"}

    Each case is decided by the compiled matcher and explained by the
    reference evaluator. Raises :class:`CasesError` (with ``.issues`` naming
    lines) for an invalid case file or a case without any policy.
    """
    pol = _as_policy(policy) if policy is not None else None
    if pol is not None and lenient and not pol.lenient:
        pol = Policy.from_json(pol.text, lenient=True)
    text, source = _cases_text(cases)
    d = _core.check(pol and pol._core, text, not lenient)
    parse_issues = list(d["parse_issues"])
    if any(i.is_error for i in parse_issues):
        raise CasesError(parse_issues, source)
    run_issues = list(d["issues"])
    if any(i.is_error for i in run_issues):
        raise CasesError(run_issues, source)
    return Report(d, parse_issues + run_issues)


# `import latticepol.check` (the command-line entry) rebinds the attribute
# `check` to that module, which stays callable through this alias.
_check = check


# ---- Simulation ---------------------------------------------------------------------


class SimulationReport:
    """The result of :func:`simulate`: ``str()`` is the text report of
    ``latticepol simulate``; :meth:`to_dict` the JSON one."""

    def __init__(self, text: str, json_text: str) -> None:
        self._text = text
        self._data: Dict[str, Any] = json.loads(json_text)

    def to_dict(self) -> Dict[str, Any]:
        return json.loads(json.dumps(self._data))

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    @property
    def violations(self) -> int:
        """Requests that broke an expectation."""
        return int(self._data.get("violations", 0))

    @property
    def candidate_violations(self) -> int:
        """Requests that broke an expectation when evaluated with the shadow
        (candidate) policy; 0 without ``shadow``."""
        return int(self._data.get("shadow", {}).get("violations", 0))

    @property
    def ok(self) -> bool:
        """True iff every expectation held, for the candidate too."""
        return self.violations == 0 and self.candidate_violations == 0

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        return self._text.rstrip("\n")

    def __repr__(self) -> str:
        return "SimulationReport(count=%s, violations=%d)" % (self._data.get("count"), self.violations)


# The scenario format's limit on `count` (kMaxScenarioCount in scenario.h).
_MAX_SCENARIO_COUNT = 1 << 62


def _check_count(name: str, value: Any, *, minimum: int) -> None:
    """None, or an int >= minimum (bool is not an int here)."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("%s must be an int, not %s" % (name, type(value).__name__))
    if value < minimum or value > 2**31 - 1:
        raise ValueError("%s must be between %d and %d, got %d" % (name, minimum, 2**31 - 1, value))


def _load_scenario(scenario: Any, base_dir: Optional[str]) -> Any:
    """The native scenario of a path, YAML/JSON text or dict (simulate, prove).
    Raises :class:`ScenarioError` for an invalid scenario."""
    if isinstance(scenario, Mapping):
        text, source = json.dumps(scenario), "<dict>"
    elif isinstance(scenario, str) and _is_text_document(scenario):
        text, source = scenario, "<scenario>"
    elif isinstance(scenario, (str, os.PathLike)):
        text, source = None, os.fspath(scenario)
    else:
        raise TypeError("scenario must be a path, YAML/JSON text or a dict")
    if text is None and base_dir is None:
        core, issues = _core.load_scenario_file(source)
    else:
        if text is None:
            text = _read_text(source)
        core, issues = _core.parse_scenario(text, source, base_dir or "")
    if core is None:
        raise ScenarioError(issues, source)
    return core


def _is_text_document(text: str) -> bool:
    return "\n" in text or _looks_like_json(text)


def simulate(scenario: Any, *, count: Optional[int] = None, seed: Optional[int] = None,
             threads: Optional[int] = None, max_samples: Optional[int] = None,
             shadow: Any = None, shadow_name: str = "shadow", base_dir: Optional[str] = None,
             include_timing: bool = True) -> SimulationReport:
    """Generates a scenario's request stream, evaluates every request through
    the Lattice chain and reports totals, a caller x decision matrix,
    per-statement hits, expectation violations and uncertain counts.

    ``scenario`` is a scenario file path, YAML/JSON text or a dict (relative
    policy paths resolve against ``base_dir``, default: the file's directory,
    or the current directory for text). ``count``, ``seed``, ``threads`` and
    ``max_samples`` override the scenario; ``shadow`` (a policy) is evaluated
    on the same stream as a candidate service policy, and the expectations are
    checked against it too (``candidate_violations``; ``ok`` is False when the
    candidate breaks one). The GIL is released while it runs. Raises
    :class:`ScenarioError` for an invalid scenario.
    """
    core = _load_scenario(scenario, base_dir)
    if count is not None and (isinstance(count, bool) or not isinstance(count, int)
                              or not 0 <= count <= _MAX_SCENARIO_COUNT):
        raise ValueError("count must be a whole number from 0 to %d, got %r"
                         % (_MAX_SCENARIO_COUNT, count))
    _check_count("threads", threads, minimum=0)
    _check_count("max_samples", max_samples, minimum=0)
    shadow_policy = _as_policy(shadow, what="shadow")
    out_text, out_json = _core.simulate(core, count, seed, threads, max_samples,
                                        shadow_policy and shadow_policy._core, shadow_name,
                                        include_timing)
    return SimulationReport(out_text, out_json)


# ---- Generation ---------------------------------------------------------------------


class GeneratedFiles(dict):  # dict[str, str]
    """``generate()``'s result: a dict ``relative path -> content`` (e.g.
    ``"auth-policy.json"``, ``"common-service/Pulumi.dev.yaml"``), plus:

    - ``pending_commands``: ``pulumi config set ...`` lines still needed when
      stack outputs were missing;
    - ``policy_json``: the generated policy text;
    - ``classes_checked``: request classes verified before anything was produced;
    - ``warnings``: non-fatal issues.
    """

    pending_commands: List[str]
    policy_json: str
    classes_checked: int
    warnings: List[Issue]

    def write(self, out_dir: Union[str, "os.PathLike[str]"], *, force: bool = False) -> List[str]:
        """Writes every file under ``out_dir`` as ``latticepol generate --out``
        does; returns the paths written (unchanged files are skipped).

        Nothing the user has is overwritten without asking: when a file exists
        with other content, nothing is written and ``FileExistsError`` names
        every such file, unless ``force=True``. Each file is published
        atomically (a temporary file in its folder, flushed to disk, then
        linked into place, or renamed over the old file with ``force``), so a
        reader or a killed run never leaves a partial file, and a file another
        process creates meanwhile is not clobbered. A symbolic link is written
        through (the link stays) and an overwritten file keeps its permissions.
        """
        root = os.fspath(out_dir)
        plan = []  # (path, content, overwrite)
        refused = []
        for rel, content in self.items():
            path = os.path.realpath(os.path.join(root, *rel.split("/")))
            data = content.encode("utf-8")
            try:
                with open(path, "rb") as f:
                    old = f.read()
            except FileNotFoundError:
                plan.append((path, data, False))
                continue
            if old == data:
                continue
            if not force:
                refused.append(path)
            plan.append((path, data, True))
        if refused:
            raise FileExistsError(errno.EEXIST, "refusing to overwrite (use force=True): "
                                  + ", ".join(refused))
        written = []
        for path, data, overwrite in plan:
            _publish_file(path, data, overwrite)
            written.append(path)
        return written


def _publish_file(path: str, data: bytes, overwrite: bool) -> None:
    """Writes ``data`` to a temporary file next to ``path``, syncs it and
    publishes it: by ``os.replace`` when ``overwrite`` (keeping the old file's
    mode), else by ``os.link``, which fails if ``path`` appeared meanwhile."""
    folder = os.path.dirname(path) or "."
    os.makedirs(folder, exist_ok=True)
    temp = os.path.join(folder, ".latticepol-tmp.%d.%s" % (os.getpid(), os.path.basename(path)))
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        try:
            if overwrite:
                os.fchmod(fd, os.stat(path).st_mode & 0o7777)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        if overwrite:
            os.replace(temp, path)
        else:
            os.link(temp, path)
    finally:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass


def generate(topology: Any, stack_outputs: Any = None, *, format: str = "pulumi",
             out_dir: Optional[Union[str, "os.PathLike[str]"]] = None,
             command_root: str = "") -> GeneratedFiles:
    """Generates the auth policy, the Pulumi stack settings files and a
    simulation scenario from a topology (docs/semantics.md §6), after verifying the
    policy against the topology's intent with both evaluators.

    ``topology`` is a topology file path, YAML/JSON text or a dict;
    ``stack_outputs`` is what ``pulumi stack output --json`` printed for the
    shared-service stack (a dict, JSON text or a path). ``format`` is
    ``"pulumi"``, ``"cloudformation"`` or ``"terraform"``. With ``out_dir``,
    existing stack files there are merged (other keys and ``secure:`` values
    kept); nothing is written (see :meth:`GeneratedFiles.write`).

    Returns :class:`GeneratedFiles` (a ``dict[path, str]``). Raises
    :class:`TopologyError` for an invalid topology or stack outputs and
    :class:`GenerateError` when verification fails.
    """
    if isinstance(topology, Mapping):
        text, source = json.dumps(topology), "<dict>"
    elif isinstance(topology, str) and _is_text_document(topology):
        text, source = topology, "<topology>"
    elif isinstance(topology, (str, os.PathLike)):
        text, source = _read_text(topology), os.fspath(topology)
    else:
        raise TypeError("topology must be a path, YAML/JSON text or a dict")
    core, issues = _core.parse_topology(text, source)
    if core is None:
        raise TopologyError(issues, source)

    outputs_source = "stack-outputs.json"
    if stack_outputs is None:
        outputs = None
    elif isinstance(stack_outputs, Mapping):
        outputs = json.dumps(stack_outputs)
        outputs_source = "<stack outputs>"
    elif isinstance(stack_outputs, str) and _looks_like_json(stack_outputs):
        outputs = stack_outputs
        outputs_source = "<stack outputs>"
    elif isinstance(stack_outputs, (str, os.PathLike)):
        outputs = _read_text(stack_outputs)
        outputs_source = os.fspath(stack_outputs)
    else:
        raise TypeError("stack_outputs must be a dict, JSON text or a path")

    read_existing: Optional[Callable[[str], Optional[str]]] = None
    if out_dir is not None:
        root = os.fspath(out_dir)

        def read_existing(rel: str) -> Optional[str]:
            path = os.path.join(root, *rel.split("/"))
            try:
                return _read_text(path)
            except FileNotFoundError:
                return None

    d = _core.generate(core, outputs, outputs_source, _name(format), command_root, read_existing)
    result_issues = list(d["issues"])
    if any(i.is_error for i in result_issues):
        raise TopologyError(result_issues, d["issues_source"] or outputs_source)
    if not d["ok"]:
        raise GenerateError(d["failures"], result_issues)
    files = GeneratedFiles(d["files"])
    files.pending_commands = list(d["pending_commands"])
    files.policy_json = d["policy_json"]
    files.classes_checked = d["classes_checked"]
    files.warnings = result_issues
    return files


# ---- Exact analysis (every request, not a sample) --------------------------


def diff(old: Any, new: Any, *, network: Any = None, service_auth_type: Optional[str] = None,
         network_auth_type: Optional[str] = None, identity_decision: Optional[str] = None,
         callers: str = "any", service_arn: Optional[str] = None) -> Dict[str, Any]:
    """Compares two service policies over every request (all methods, paths,
    headers, query strings, source VPCs, callers; Invoke and Connect).

    Returns ``{"equivalent", "complete", "incomplete_reasons", "new_access",
    "differences": [{"old", "new", "new_access", "region", "old_statements",
    "new_statements", "witness", "uncertain"?}]}`` where each ``witness`` is a
    :class:`Request` both evaluators decide as reported. ``new_access`` is
    True iff NEW allows a request OLD did not (a pre-deploy check: "this
    change grants no new access"). ``callers`` is ``any``, ``anonymous`` or
    ``signed``. Policies may be :class:`Policy` objects, dicts, JSON text or
    paths. Raises :class:`PolicyError` for an invalid policy.
    """
    old_p = _as_policy(old, what="old")
    new_p = _as_policy(new, what="new")
    net = _as_policy(network, what="network")
    data = json.loads(_core.diff(old_p._core, new_p._core, net and net._core,
                                 service_auth_type or "", network_auth_type or "",
                                 identity_decision or "", callers, service_arn or ""))
    for d in data["differences"]:
        d["witness"] = Request(d["witness"])
    return data


def prove(scenario: Any, policy: Any = None, *, base_dir: Optional[str] = None) -> Dict[str, Any]:
    """Proves every expectation of a scenario over every request its callers
    can send (first match wins, as in :func:`simulate`). ``policy`` replaces
    the scenario's service policy (a candidate). ``scenario`` is a path,
    YAML/JSON text or a dict, as for :func:`simulate`.

    Returns ``{"complete", "incomplete_reasons", "all_hold", "expectations":
    [{"name", "expect", "holds", "counterexample", "caller"?, "decision"?,
    "statements"?}]}`` with each counterexample a :class:`Request` (None when
    the expectation holds). Raises :class:`ScenarioError` / :class:`PolicyError`.
    """
    core = _load_scenario(scenario, base_dir)
    candidate = _as_policy(policy, what="policy")
    data = json.loads(_core.prove(core, candidate and candidate._core))
    for e in data["expectations"]:
        if e["counterexample"] is not None:
            e["counterexample"] = Request(e["counterexample"])
    return data
