# Type stubs for latticepol (the Python module over the latticepol C++ library).
import datetime
import enum
import os
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

__version__: str
__all__: List[str]

DECISION_IDS: List[str]
MAX_POLICY_BYTES: int
MAX_INPUT_BYTES: int
DECIDE_ALLOW: int
DECIDE_EXPLICIT_DENY: int
DECIDE_IMPLICIT_DENY: int
DECIDE_INVALID: int

_PathLike = Union[str, os.PathLike[str]]
_RequestLike = Union[Mapping[str, Any], "Request", str, None]
_PolicyLike = Union["Policy", Mapping[str, Any], str, os.PathLike[str]]

class Decision(str, enum.Enum):
    ALLOW = "ALLOW"
    EXPLICIT_DENY = "EXPLICIT_DENY"
    IMPLICIT_DENY = "IMPLICIT_DENY"

class Layer(str, enum.Enum):
    NONE = "none"
    NETWORK = "network"
    SERVICE = "service"
    IDENTITY = "identity"

class Issue:
    @property
    def severity(self) -> str: ...  # "error" | "warning"
    @property
    def code(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def pointer(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def offset(self) -> int: ...
    @property
    def is_error(self) -> bool: ...
    def format(self, source_name: str = "") -> str: ...
    def to_dict(self) -> Dict[str, Any]: ...

class LatticepolError(ValueError):
    what: str
    issues: List[Issue]
    source: str
    def __init__(self, issues: Sequence[Issue], source: str = "") -> None: ...
    @property
    def errors(self) -> List[Issue]: ...

class PolicyError(LatticepolError): ...
class RequestError(LatticepolError): ...
class CasesError(LatticepolError): ...
class ScenarioError(LatticepolError): ...
class IdentitiesError(LatticepolError): ...
class TopologyError(LatticepolError): ...

class GenerateError(ValueError):
    failures: List[str]
    issues: List[Issue]
    def __init__(self, failures: Sequence[str], issues: Sequence[Issue] = ...) -> None: ...

class Request:
    def __init__(
        self,
        request: Optional[Mapping[str, Any]] = None,
        *,
        action: str = ...,
        method: str = ...,
        path: str = ...,
        query: Union[str, Mapping[str, Union[str, Sequence[str]]], Sequence[Sequence[str]], None] = ...,
        headers: Union[Mapping[str, str], Sequence[Sequence[str]], None] = ...,
        source_vpc: Optional[str] = ...,
        source_vpc_owner_account: Optional[str] = ...,
        port: Optional[int] = ...,
        service_arn: Optional[str] = ...,
        service_network_arn: Optional[str] = ...,
        principal: Optional[Mapping[str, Any]] = ...,
        resource_tags: Optional[Mapping[str, str]] = ...,
        source_ip: Optional[str] = ...,
        time: Union[str, int, datetime.datetime, None] = ...,
    ) -> None: ...
    @classmethod
    def from_json(cls, text: str) -> Request: ...
    @property
    def signed(self) -> bool: ...
    def to_json(self) -> str: ...
    def to_dict(self) -> Dict[str, Any]: ...

class Result:
    @property
    def decision(self) -> Decision: ...
    @property
    def allowed(self) -> bool: ...
    @property
    def uncertain(self) -> List[str]: ...
    @property
    def statement(self) -> Optional[int]: ...
    @property
    def request(self) -> Request: ...
    def explain(self, max_closest: int = 3) -> str: ...
    def explain_json(self, max_closest: int = 3) -> Dict[str, Any]: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __bool__(self) -> bool: ...

class Policy:
    @classmethod
    def from_json(cls, text: Union[str, bytes, bytearray, memoryview], *, lenient: bool = False, identity: bool = False,
                  source: str = "") -> Policy: ...
    @classmethod
    def from_dict(cls, document: Mapping[str, Any], *, lenient: bool = False,
                  identity: bool = False) -> Policy: ...
    @classmethod
    def from_file(cls, path: _PathLike, *, lenient: bool = False, identity: bool = False) -> Policy: ...
    @property
    def warnings(self) -> List[Issue]: ...
    @property
    def text(self) -> str: ...
    @property
    def lenient(self) -> bool: ...
    @property
    def identity(self) -> bool: ...
    @property
    def sids(self) -> List[str]: ...
    def __len__(self) -> int: ...
    def to_json(self) -> str: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def evaluate(
        self,
        request: _RequestLike = None,
        *,
        action: str = ...,
        method: str = ...,
        path: str = ...,
        query: Union[str, Mapping[str, Union[str, Sequence[str]]], Sequence[Sequence[str]], None] = ...,
        headers: Union[Mapping[str, str], Sequence[Sequence[str]], None] = ...,
        source_vpc: Optional[str] = ...,
        source_vpc_owner_account: Optional[str] = ...,
        port: Optional[int] = ...,
        service_arn: Optional[str] = ...,
        service_network_arn: Optional[str] = ...,
        principal: Optional[Mapping[str, Any]] = ...,
        resource_tags: Optional[Mapping[str, str]] = ...,
        source_ip: Optional[str] = ...,
        time: Union[str, int, datetime.datetime, None] = ...,
    ) -> Result: ...
    def evaluate_many(self, requests: Iterable[Union[Mapping[str, Any], Request, str]]) -> List[Result]: ...
    def decide_lines(self, data: Any, *, format: str = "auto", threads: int = 1) -> Any: ...  # numpy.ndarray[uint8]

class LayerResult:
    layer: Layer
    evaluated: bool
    has_policy: bool
    assumed: bool
    decision: Optional[Decision]
    statement: Optional[int]
    @property
    def allowed(self) -> bool: ...

class ChainResult:
    decision: Decision
    layer: Layer
    failing_layers: List[Layer]
    uncertain: List[str]
    network: LayerResult
    service: LayerResult
    identity: LayerResult
    @property
    def allowed(self) -> bool: ...
    @property
    def layers(self) -> List[LayerResult]: ...
    def explain(self) -> str: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __bool__(self) -> bool: ...

def authorize(
    request: _RequestLike = None,
    *,
    service_policy: Optional[_PolicyLike] = None,
    network_policy: Optional[_PolicyLike] = None,
    service_auth_type: Optional[str] = None,
    network_auth_type: Optional[str] = None,
    identity_policy: Optional[_PolicyLike] = None,
    identity_decision: Union[Decision, str, None] = None,
    **kwargs: Any,
) -> ChainResult: ...

class CaseResult:
    name: str
    line: int
    expected: Decision
    got: Decision
    layer: Layer
    chain: bool
    passed: bool
    skipped: bool
    skip_reason: str
    internal_error: bool
    uncertain: List[str]
    explanation: str

class Report:
    passed: int
    failed: int
    skipped: int
    results: List[CaseResult]
    warnings: List[Issue]
    @property
    def ok(self) -> bool: ...
    @property
    def failures(self) -> List[CaseResult]: ...
    @property
    def summary(self) -> str: ...
    def to_text(self, verbose: bool = False) -> str: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __bool__(self) -> bool: ...

def check(
    policy: Optional[_PolicyLike],
    cases: Union[_PathLike, bytes, Mapping[str, Any], Iterable[Mapping[str, Any]]],
    *,
    lenient: bool = False,
) -> Report: ...

class SimulationReport:
    @property
    def violations(self) -> int: ...
    @property
    def ok(self) -> bool: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __getitem__(self, key: str) -> Any: ...
    def __bool__(self) -> bool: ...

def simulate(
    scenario: Union[_PathLike, Mapping[str, Any]],
    *,
    count: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    max_samples: Optional[int] = None,
    shadow: Optional[_PolicyLike] = None,
    shadow_name: str = "shadow",
    base_dir: Optional[str] = None,
    include_timing: bool = True,
) -> SimulationReport: ...

class GeneratedFiles(Dict[str, str]):
    pending_commands: List[str]
    policy_json: str
    classes_checked: int
    warnings: List[Issue]
    def write(self, out_dir: _PathLike) -> List[str]: ...

def generate(
    topology: Union[_PathLike, Mapping[str, Any]],
    stack_outputs: Union[Mapping[str, Any], str, os.PathLike[str], None] = None,
    *,
    format: str = "pulumi",
    out_dir: Optional[_PathLike] = None,
    command_root: str = "",
) -> GeneratedFiles: ...

def decide_lines(
    data: Any,
    *,
    service_policy: Optional[_PolicyLike] = None,
    network_policy: Optional[_PolicyLike] = None,
    identity_policy: Optional[_PolicyLike] = None,
    service_auth_type: Optional[str] = None,
    network_auth_type: Optional[str] = None,
    identity_decision: Union[Decision, str, None] = None,
    format: str = "auto",
    threads: int = 1,
) -> Any: ...  # numpy.ndarray[uint8]

class ReplayReport:
    def to_dict(self, include_timing: bool = True) -> Dict[str, Any]: ...
    def to_text(self, include_timing: bool = True) -> str: ...
    @property
    def lines(self) -> int: ...
    @property
    def errors(self) -> List[Tuple[str, int, int, str]]: ...
    @property
    def stopped(self) -> bool: ...
    @property
    def disagreements(self) -> int: ...
    @property
    def ok(self) -> bool: ...
    def __bool__(self) -> bool: ...

def replay(
    inputs: Union[_PathLike, Sequence[_PathLike], bytes, bytearray, memoryview, Any],
    policy: Optional[_PolicyLike] = None,
    *,
    network_policy: Optional[_PolicyLike] = None,
    identity_policy: Optional[_PolicyLike] = None,
    service_auth_type: Optional[str] = None,
    network_auth_type: Optional[str] = None,
    identity_decision: Union[Decision, str, None] = None,
    candidate: Optional[_PolicyLike] = None,
    candidate_name: Optional[str] = None,
    format: str = "auto",
    strict: bool = False,
    threads: int = 1,
    max_samples: Optional[int] = None,
    max_errors: Optional[int] = None,
    source: str = "<buffer>",
    identities: Union[_PathLike, Dict[str, Any], None] = None,
) -> ReplayReport: ...
