"""An orders API protected by apiward: bearer tokens with scopes, rate limits, validated bodies.

Run it with ``make demo`` (which also drives it with a scripted client), or by hand:
``.venv/bin/uvicorn app:app --app-dir examples/fastapi_app --host 127.0.0.1``.
"""

from __future__ import annotations

import os
from typing import Annotated, Any, Dict

from fastapi import Depends, FastAPI

import apiward
from apiward.fastapi import BearerAuth, RateLimit, RateLimitMiddleware, ValidatedBody

#: The demo's HMAC secret (32 bytes); a real service reads its keys (a JWKS) from configuration.
DEMO_SECRET = bytes.fromhex(os.environ.get("APIWARD_DEMO_SECRET", "00" * 32))
ISSUER = "https://auth.example.com/"
AUDIENCE = "api://orders"

verifier = apiward.JwtVerifier(
    DEMO_SECRET, algorithms=["HS256"], issuer=ISSUER, audience=AUDIENCE, leeway=30
)
auth = BearerAuth(verifier)

# Per-route quotas: the core's presets, per client IP; writes also per user, atomically with the IP.
login_limit = RateLimit(apiward.RateLimiter.preset("login"))
write_limit = RateLimit(
    apiward.RateLimiter(int(os.environ.get("APIWARD_DEMO_WRITES_PER_MINUTE", "60")), 60.0, name="write"),
    user_limiter=apiward.RateLimiter(60, 60.0, name="write-user"),
)

CREATE_USER = apiward.Schema(
    {
        "type": "object",
        "properties": {
            "email": {"type": "string", "format": "email"},
            "username": {"type": "string", "minLength": 3, "maxLength": 32, "pattern": "^[a-zA-Z0-9_]+$"},
            "age": {"type": "integer", "minimum": 13, "maximum": 120},
        },
        "required": ["email", "username", "age"],
    }
)
ORDER = apiward.Schema(
    {
        "type": "object",
        "properties": {
            "sku": {"type": "string", "pattern": "^[A-Z0-9-]{4,16}$"},
            "qty": {"type": "integer", "minimum": 1, "maximum": 100},
            "note": {"type": "string", "maxLength": 500},
        },
        "required": ["sku", "qty"],
    },
    max_bytes=16 * 1024,
)
LOGIN = apiward.Schema(
    {
        "type": "object",
        "properties": {"username": {"type": "string", "maxLength": 64}, "password": {"type": "string", "maxLength": 256}},
        "required": ["username", "password"],
    },
    max_bytes=1024,
)
# What a client may see of an order: internal fields never leave the service.
ORDER_VIEW = apiward.Schema(
    {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "sku": {"type": "string"}, "qty": {"type": "integer"}},
        "additionalProperties": False,
    }
)

app = FastAPI(title="apiward demo: orders")
app.add_middleware(RateLimitMiddleware, limiter=apiward.RateLimiter.preset("read"), exclude=("/health",))

Claims = Dict[str, Any]
ORDERS: Dict[int, Dict[str, Any]] = {1: {"id": 1, "sku": "BOOK-0001", "qty": 2, "cost_cents": 1250, "supplier": "acme"}}


@app.get("/health")
def health() -> Dict[str, str]:
    return {"status": "ok"}


@app.post("/login", dependencies=[Depends(login_limit)])
def login(body: Annotated[Dict[str, Any], Depends(ValidatedBody(LOGIN))]) -> Dict[str, str]:
    # A demo: any password is wrong. The point is the per-IP login quota (5/min).
    return {"status": "invalid credentials"}


@app.post("/users", status_code=201)
def create_user(body: Annotated[Dict[str, Any], Depends(ValidatedBody(CREATE_USER))]) -> Dict[str, Any]:
    # Only the three declared fields can be here: "is_admin" and friends were refused with 422.
    return {"username": body["username"], "email": body["email"]}


@app.get("/orders/{order_id}")
def get_order(order_id: int, claims: Annotated[Claims, Depends(auth.require("orders:read"))]) -> Any:
    order = ORDERS.get(order_id, {})
    return ORDER_VIEW.project(order)


@app.post("/orders", status_code=201)
def create_order(
    claims: Annotated[Claims, Depends(auth.require("orders:write"))],
    # After the bearer dependency, so the check covers the client IP and the user at once.
    limit: Annotated[apiward.Decision, Depends(write_limit)],
    body: Annotated[Dict[str, Any], Depends(ValidatedBody(ORDER))],
) -> Any:
    order_id = max(ORDERS) + 1
    ORDERS[order_id] = {"id": order_id, **body, "created_by": claims.get("sub")}
    return ORDER_VIEW.project(ORDERS[order_id])
