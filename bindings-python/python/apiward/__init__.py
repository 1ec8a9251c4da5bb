"""apiward: strict JWT verification, fixed-memory rate limiting and streaming JSON validation.

Every decision is made by apiward's Rust core (``#![no_std]``, no heap, no unsafe); this package
adapts it to Python: it owns the memory, the clock and the RNG seed, and maps the core's stable error
codes to the exceptions below. The FastAPI/Starlette integration is in :mod:`apiward.fastapi`.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Mapping, Optional, Union

from ._errors import (
    ApiwardError,
    ConfigError,
    ErrorDetail,
    JwtError,
    ProjectionError,
    ValidationError,
)
from ._apiward import (
    ClientIpResolver,
    Decision,
    JwtVerifier,
    Key,
    RateLimiter,
    Schema,
    __version__,
    check_all,
)
from ._apiward import sign as _sign

__all__ = [
    "ApiwardError",
    "ClientIpResolver",
    "ConfigError",
    "Decision",
    "ErrorDetail",
    "JwtError",
    "JwtVerifier",
    "Key",
    "ProjectionError",
    "RateLimiter",
    "Schema",
    "ValidationError",
    "__version__",
    "check_all",
    "sign",
]


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _private_material(key: Union[bytes, Mapping[str, Any]], algorithm: str) -> bytes:
    if isinstance(key, (bytes, bytearray, memoryview)):
        return bytes(key)
    kty = key.get("kty")
    if kty == "oct" and isinstance(key.get("k"), str):
        return _b64url_decode(key["k"])
    if kty in ("EC", "OKP") and isinstance(key.get("d"), str):
        return _b64url_decode(key["d"])
    raise ConfigError("the signing key must be bytes or a private JWK (oct, EC P-256 or OKP Ed25519)", "invalid_key")


def sign(
    claims: Mapping[str, Any],
    key: Union[bytes, Mapping[str, Any]],
    algorithm: str,
    *,
    kid: Optional[str] = None,
) -> str:
    """Signs ``claims`` as a compact JWS (``{"alg", "typ": "JWT"[, "kid"]}`` header).

    ``key`` is the HMAC secret (bytes) for HS256/384/512, or a private JWK: ``oct``, EC P-256 (ES256)
    or OKP Ed25519 (EdDSA) — the algorithms the core signs. For tests and service-to-service tokens.
    """
    payload = json.dumps(dict(claims), separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return _sign(payload.encode(), _private_material(key, algorithm), algorithm, kid)
