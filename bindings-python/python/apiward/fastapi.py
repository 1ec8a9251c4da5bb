"""FastAPI / Starlette integration: bearer tokens, rate limits and validated bodies as dependencies.

What it decides: nothing — every verdict comes from apiward's core; this module maps verdicts to HTTP:

* :class:`BearerAuth` — ``Authorization: Bearer`` only (never a query string or cookie). A missing or
  rejected token is **401** with ``WWW-Authenticate: Bearer error="invalid_token"`` (RFC 6750 §3; no
  ``error`` for a missing token, as §3.1 asks) and ``{"detail": {"code", "message"}}``; a token without
  a required scope is **403** ``insufficient_scope``.
* :class:`RateLimit` (dependency) and :class:`RateLimitMiddleware` (ASGI) — keyed by the client IP that
  :class:`~apiward.ClientIpResolver` resolves (trusted proxies only), and/or by the authenticated user;
  IP and user are checked atomically. Denied is **429** with ``Retry-After`` and the ``RateLimit`` /
  ``RateLimit-Policy`` headers; allowed responses carry the ``RateLimit`` headers too.
* :class:`ValidatedBody` — reads the raw body itself (stopping at the schema's byte limit), validates it
  in the core, and returns the object; a rejected body is **422** in FastAPI's own shape
  (``{"detail": [{"loc", "type", "msg"}]}``) whose ``msg`` is a fixed sentence — never the input
  value — and an oversized one is **413**.

Every rejection is logged as one structured record on the ``apiward`` logger (timestamp, method, path,
status, code, client IP, user id if known, latency); responses never contain stack traces or input.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Union

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fastapi import HTTPException
from fastapi.openapi.models import HTTPBearer as HTTPBearerModel
from fastapi.security import SecurityScopes
from fastapi.security.base import SecurityBase

from . import ClientIpResolver, Decision, JwtError, JwtVerifier, RateLimiter, Schema, ValidationError, check_all

__all__ = [
    "BearerAuth",
    "RateLimit",
    "RateLimitMiddleware",
    "ValidatedBody",
    "client_ip",
    "logger",
]

logger = logging.getLogger("apiward")

_START = "apiward.start"
_CLAIMS = "apiward.claims"
_DEFAULT_RESOLVER = ClientIpResolver()


def _now() -> float:
    return time.perf_counter()


def client_ip(conn: HTTPConnection, resolver: ClientIpResolver = _DEFAULT_RESOLVER) -> Optional[str]:
    """The client address of a request: the peer, or a forwarded address only through trusted proxies."""
    peer = conn.client.host if conn.client else None
    if peer is None:
        return None
    return resolver.resolve(
        peer,
        conn.headers.getlist("x-forwarded-for"),
        conn.headers.getlist("forwarded"),
    )


def _user_of(conn: HTTPConnection) -> Optional[str]:
    claims = conn.scope.get(_CLAIMS)
    if isinstance(claims, Mapping):
        sub = claims.get("sub")
        return sub if isinstance(sub, str) else None
    return None


def log_rejection(conn: HTTPConnection, status: int, code: str, resolver: ClientIpResolver = _DEFAULT_RESOLVER) -> None:
    """Emits the one structured record of a rejection on the ``apiward`` logger."""
    started = conn.scope.get(_START)
    record = {
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "method": conn.scope.get("method", ""),
        "path": conn.url.path,
        "status": status,
        "code": code,
        "client_ip": client_ip(conn, resolver),
        "user": _user_of(conn),
        "latency_ms": round((_now() - started) * 1000, 3) if isinstance(started, float) else None,
    }
    logger.warning(json.dumps(record, separators=(",", ":")), extra={"apiward": record})


def _error_body(code: str, message: str) -> Dict[str, Dict[str, str]]:
    return {"detail": {"code": code, "message": message}}


class BearerAuth(SecurityBase):
    """A dependency that verifies ``Authorization: Bearer <token>`` and returns the claims.

    Use ``Depends(auth)`` for any valid token, ``Depends(auth.require("orders:write"))`` (or FastAPI's
    ``Security(auth, scopes=[...])``) to also require scopes, read from the space-separated ``scope``
    claim (RFC 8693) or a ``scp``/``roles`` list.
    """

    def __init__(
        self,
        verifier: JwtVerifier,
        *,
        scopes: Sequence[str] = (),
        scheme_name: str = "bearer",
        resolver: ClientIpResolver = _DEFAULT_RESOLVER,
        clock: Optional[Callable[[], float]] = None,
    ) -> None:
        self.verifier = verifier
        self.scopes = tuple(scopes)
        self.model = HTTPBearerModel(bearerFormat="JWT")
        self.scheme_name = scheme_name
        self.resolver = resolver
        self.clock = clock

    def require(self, *scopes: str) -> "BearerAuth":
        """The same verifier, also requiring every one of ``scopes``."""
        return BearerAuth(
            self.verifier,
            scopes=self.scopes + scopes,
            scheme_name=self.scheme_name,
            resolver=self.resolver,
            clock=self.clock,
        )

    def _reject(self, request: Request, status: int, code: str, message: str, challenge: str) -> HTTPException:
        log_rejection(request, status, code, self.resolver)
        return HTTPException(status_code=status, detail=_error_body(code, message)["detail"], headers={"WWW-Authenticate": challenge})

    async def __call__(self, request: Request, security_scopes: SecurityScopes) -> Dict[str, Any]:
        header = request.headers.get("authorization")
        scheme, _, token = (header or "").partition(" ")
        if not header or scheme.lower() != "bearer" or not token.strip():
            raise self._reject(request, 401, "missing_token", "a bearer token is required", "Bearer")
        try:
            claims = self.verifier.verify(token.strip(), None if self.clock is None else self.clock())
        except JwtError as error:
            raise self._reject(request, 401, error.code, error.message, 'Bearer error="invalid_token"') from None
        request.scope[_CLAIMS] = claims
        needed = [*self.scopes, *security_scopes.scopes]
        if needed:
            granted = _granted_scopes(claims)
            if not all(scope in granted for scope in needed):
                challenge = 'Bearer error="insufficient_scope", scope="{}"'.format(" ".join(needed))
                raise self._reject(request, 403, "insufficient_scope", "the token lacks a required scope", challenge)
        return claims


def _granted_scopes(claims: Mapping[str, Any]) -> set[str]:
    granted: set[str] = set()
    scope = claims.get("scope")
    if isinstance(scope, str):
        granted.update(scope.split())
    for name in ("scp", "roles"):
        value = claims.get(name)
        if isinstance(value, list):
            granted.update(v for v in value if isinstance(v, str))
        elif isinstance(value, str):
            granted.update(value.split())
    return granted


def _apply_headers(target: MutableHeaders, decision: Decision) -> None:
    for name, value in decision.headers.items():
        target[name] = value


def _too_many(decision: Decision) -> JSONResponse:
    response = JSONResponse(
        _error_body("rate_limited", "too many requests; retry after the time in Retry-After"), status_code=429
    )
    _apply_headers(response.headers, decision)
    return response


class RateLimit:
    """A dependency admitting a request through ``limiter`` keyed by client IP, and — when a
    ``user_limiter`` is given and a :class:`BearerAuth` dependency ran before it — by user too, both
    in one atomic check. Allowed responses get the ``RateLimit`` headers; denied ones are 429.
    """

    def __init__(
        self,
        limiter: RateLimiter,
        *,
        user_limiter: Optional[RateLimiter] = None,
        key: Union[str, Callable[[Request], Optional[str]]] = "ip",
        resolver: ClientIpResolver = _DEFAULT_RESOLVER,
        cost: int = 1,
        clock: Optional[Callable[[], float]] = None,
    ) -> None:
        if key not in ("ip", "user") and not callable(key):
            raise ValueError('key must be "ip", "user" or a callable')
        self.limiter = limiter
        self.user_limiter = user_limiter
        self.key = key
        self.resolver = resolver
        self.cost = cost
        self.clock = clock

    def _primary_key(self, request: Request) -> Optional[Union[str, bytes]]:
        if callable(self.key):
            return self.key(request)
        if self.key == "user":
            return _user_of(request)
        ip = client_ip(request, self.resolver)
        return self.resolver.key(ip) if ip is not None else None

    def decide(self, request: Request) -> Decision:
        now = None if self.clock is None else self.clock()
        key = self._primary_key(request)
        # No address (e.g. a Unix socket) still gets a bucket: one shared key, never "unlimited".
        checks: List[Any] = [(self.limiter, key if key is not None else b"unknown", self.cost)]
        user = _user_of(request)
        if self.user_limiter is not None and user is not None:
            checks.append((self.user_limiter, user, self.cost))
        return check_all(checks, now)

    async def __call__(self, request: Request, response: Response) -> Decision:
        decision = self.decide(request)
        if not decision.allowed:
            log_rejection(request, 429, "rate_limited", self.resolver)
            raise HTTPException(
                status_code=429,
                detail=_error_body("rate_limited", "too many requests; retry after the time in Retry-After")["detail"],
                headers=decision.headers,
            )
        _apply_headers(response.headers, decision)
        return decision


class RateLimitMiddleware:
    """ASGI middleware limiting every HTTP request by client IP (before routing and authentication).

    ``exclude`` lists path prefixes that are not limited (health checks). It also stamps the request
    start so that rejection records carry their latency.
    """

    def __init__(
        self,
        app: ASGIApp,
        limiter: RateLimiter,
        *,
        resolver: ClientIpResolver = _DEFAULT_RESOLVER,
        exclude: Sequence[str] = (),
        clock: Optional[Callable[[], float]] = None,
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.resolver = resolver
        self.exclude = tuple(exclude)
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope[_START] = _now()
        if scope.get("path", "").startswith(self.exclude) and self.exclude:
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        ip = client_ip(conn, self.resolver)
        key = self.resolver.key(ip) if ip is not None else b"unknown"
        decision = self.limiter.check(key or b"unknown", None if self.clock is None else self.clock())
        if not decision.allowed:
            log_rejection(conn, 429, "rate_limited", self.resolver)
            await _too_many(decision)(scope, receive, send)
            return
        extra = [(name.lower().encode(), value.encode()) for name, value in decision.headers.items()]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _loc(path: str) -> List[Union[str, int]]:
    """A JSON Pointer as FastAPI's ``loc``: ``/items/3/qty`` → ``["body", "items", 3, "qty"]``."""
    loc: List[Union[str, int]] = ["body"]
    if path:
        for part in path.split("/")[1:]:
            part = part.replace("~1", "/").replace("~0", "~")
            loc.append(int(part) if part.isdigit() and (part == "0" or not part.startswith("0")) else part)
    return loc


def _json_body_allowed(request: Request) -> bool:
    """Whether the body may be read as JSON: no body, no Content-Type, or ``application/json`` /
    ``application/*+json``. A browser can send ``text/plain`` or a form cross-origin without a CORS
    preflight, so reading such a body as JSON would open JSON endpoints to CSRF."""
    content_type = request.headers.get("content-type")
    if not content_type:
        return True
    length = request.headers.get("content-length")
    if "transfer-encoding" not in request.headers and (length is None or length.strip() == "0"):
        return True
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


class ValidatedBody:
    """A dependency returning the request body validated by ``schema`` (422/413/415 otherwise)."""

    def __init__(self, schema: Schema, *, resolver: ClientIpResolver = _DEFAULT_RESOLVER) -> None:
        self.schema = schema
        self.resolver = resolver

    def _too_large(self, request: Request) -> HTTPException:
        log_rejection(request, 413, "too_large", self.resolver)
        return HTTPException(
            status_code=413,
            detail=[{"loc": ["body"], "type": "too_large", "msg": "the body is too large"}],
        )

    async def read(self, request: Request) -> bytes:
        """The raw body, refusing (413) as soon as it exceeds the schema's byte limit."""
        limit = self.schema.max_bytes
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise self._too_large(request)
        chunks: List[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise self._too_large(request)
            chunks.append(chunk)
        return b"".join(chunks)

    async def __call__(self, request: Request) -> Any:
        if not _json_body_allowed(request):
            log_rejection(request, 415, "unsupported_media_type", self.resolver)
            raise HTTPException(
                status_code=415,
                detail=[
                    {
                        "loc": ["body"],
                        "type": "unsupported_media_type",
                        "msg": "the body must be JSON (Content-Type: application/json)",
                    }
                ],
            )
        body = await self.read(request)
        try:
            return self.schema.validate(body)
        except ValidationError as error:
            status = 413 if error.code == "too_large" else 422
            log_rejection(request, status, error.code, self.resolver)
            detail = [{"loc": _loc(e["path"]), "type": e["code"], "msg": e["message"]} for e in error.errors]
            raise HTTPException(status_code=status, detail=detail) from None


