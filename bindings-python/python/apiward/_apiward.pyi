"""Type stubs of the native module (Rust, PyO3). Public names are re-exported by ``apiward``."""

from typing import Any, Dict, List, Literal, Optional, Sequence, Tuple, Type, TypeVar, Union

__version__: str

_Json = Union[Dict[str, Any], str, bytes]
_Bytes = Union[bytes, bytearray, memoryview]
_S = TypeVar("_S", bound="Schema")

class Key:
    """One verification key (public key or HMAC secret), strength-checked when made."""

    @staticmethod
    def hmac(secret: bytes, *, kid: Optional[str] = None, alg: Optional[str] = None) -> Key: ...
    @staticmethod
    def from_pem(pem: Union[str, bytes], *, kid: Optional[str] = None, alg: Optional[str] = None) -> Key: ...
    @staticmethod
    def from_jwk(jwk: _Json) -> Key: ...
    @property
    def kid(self) -> Optional[str]: ...
    @property
    def alg(self) -> Optional[str]: ...

class JwtVerifier:
    """Verifies compact JWS tokens against fixed keys and policy (RFC 7515/7518/7519, RFC 8725)."""

    def __init__(
        self,
        keys: Union[_Json, Key, Sequence[Key]],
        *,
        algorithms: Sequence[str],
        issuer: Union[str, Sequence[str], None] = None,
        audience: Union[str, Sequence[str], None] = None,
        leeway: int = 0,
        max_token_bytes: int = 8192,
        require: Sequence[str] = (),
        typ: Optional[str] = None,
        max_age: Optional[int] = None,
        allow_missing_exp: bool = False,
    ) -> None: ...
    def verify(self, token: Union[str, bytes], now: Optional[float] = None) -> Dict[str, Any]: ...
    @property
    def algorithms(self) -> List[str]: ...

def sign(claims_json: bytes, key: bytes, alg: str, kid: Optional[str] = None) -> str: ...

class Decision:
    """The verdict on one request and the header values that tell the client."""

    def __init__(
        self, *, allowed: bool, remaining: int, retry_after_ns: int, reset_after_ns: int, limit: int, name: str = "default"
    ) -> None: ...
    @property
    def allowed(self) -> bool: ...
    @property
    def remaining(self) -> int: ...
    @property
    def limit(self) -> int: ...
    @property
    def retry_after(self) -> float: ...
    @property
    def reset_after(self) -> float: ...
    @property
    def retry_after_ns(self) -> int: ...
    @property
    def reset_after_ns(self) -> int: ...
    @property
    def retry_after_header(self) -> str: ...
    @property
    def headers(self) -> Dict[str, str]: ...
    def __bool__(self) -> bool: ...

class RateLimiter:
    """A keyed GCRA rate limiter in fixed memory (16 bytes per slot), safe to share between threads."""

    def __init__(
        self,
        rate: int,
        per: Optional[float] = None,
        *,
        per_ns: Optional[int] = None,
        burst: Optional[int] = None,
        capacity: int = 65536,
        full_policy: Literal["deny", "admit"] = "deny",
        name: str = "default",
        seed: Optional[bytes] = None,
    ) -> None: ...
    @staticmethod
    def preset(
        name: Literal["login", "password_reset", "read", "write", "search"],
        *,
        capacity: int = 65536,
        full_policy: Literal["deny", "admit"] = "deny",
        seed: Optional[bytes] = None,
    ) -> RateLimiter: ...
    def check(
        self, key: Union[str, bytes], now: Optional[float] = None, cost: int = 1, *, now_ns: Optional[int] = None
    ) -> Decision: ...
    def peek(
        self, key: Union[str, bytes], now: Optional[float] = None, cost: int = 1, *, now_ns: Optional[int] = None
    ) -> Decision: ...
    @property
    def capacity(self) -> int: ...
    @property
    def table_bytes(self) -> int: ...
    @property
    def evictions(self) -> int: ...
    @property
    def full_denials(self) -> int: ...
    @property
    def policy_header(self) -> str: ...
    def __len__(self) -> int: ...

def check_all(
    checks: Sequence[Union[Tuple[RateLimiter, Union[str, bytes]], Tuple[RateLimiter, Union[str, bytes], int]]],
    now: Optional[float] = None,
    *,
    now_ns: Optional[int] = None,
) -> Decision: ...

class ClientIpResolver:
    """Resolves the client address behind trusted reverse proxies, and its limiter key."""

    def __init__(
        self,
        trusted_proxies: Union[int, Sequence[str], None] = None,
        *,
        header: Literal["x-forwarded-for", "forwarded"] = "x-forwarded-for",
        v6_prefix: int = 64,
    ) -> None: ...
    def resolve(self, peer: str, x_forwarded_for: Sequence[str] = (), forwarded: Sequence[str] = ()) -> Optional[str]: ...
    def key(self, ip: str) -> Optional[bytes]: ...

class Schema:
    """A compiled request-body schema (a JSON Schema subset) with size and shape limits."""

    def __init__(
        self,
        json_schema: _Json,
        *,
        max_bytes: Optional[int] = None,
        max_depth: Optional[int] = None,
        max_string_bytes: Optional[int] = None,
        max_number_len: Optional[int] = None,
        max_array_items: Optional[int] = None,
        max_object_members: Optional[int] = None,
    ) -> None: ...
    @classmethod
    def from_model(cls: Type[_S], model: Any, **limits: int) -> _S: ...
    def validate(self, body: Union[str, _Bytes]) -> Any: ...
    def is_valid(self, body: Union[str, _Bytes]) -> bool: ...
    def project(self, document: Any) -> Any: ...
    @property
    def max_bytes(self) -> int: ...
    @property
    def max_depth(self) -> int: ...
