"""The FastAPI integration, through the example app: TestClient, and once through a real uvicorn server."""

from __future__ import annotations

import importlib.util
import logging
import socket
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Any, Dict, Iterator

import httpx
import jwt as pyjwt
import pytest
import uvicorn
from fastapi import Depends, FastAPI, Security
from fastapi.testclient import TestClient

import apiward
from apiward.fastapi import BearerAuth, RateLimit, RateLimitMiddleware, ValidatedBody

ROOT = Path(__file__).resolve().parents[2]


def load_app() -> ModuleType:
    spec = importlib.util.spec_from_file_location("demo_app", ROOT / "examples" / "fastapi_app" / "app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def token(module: ModuleType, scope: str = "orders:read orders:write", exp_in: int = 900, **extra: Any) -> str:
    now = int(time.time())
    claims: Dict[str, Any] = {"sub": "user-1234", "iss": module.ISSUER, "aud": module.AUDIENCE, "iat": now, "exp": now + exp_in, "scope": scope}
    claims.update(extra)
    return apiward.sign(claims, module.DEMO_SECRET, "HS256")


@pytest.fixture
def demo() -> ModuleType:
    return load_app()  # a fresh app (fresh limiters) per test


@pytest.fixture
def client(demo: ModuleType) -> Iterator[TestClient]:
    with TestClient(demo.app) as c:
        yield c


def bearer(t: str) -> Dict[str, str]:
    return {"Authorization": f"Bearer {t}"}


def test_accepted_request_with_ratelimit_headers(client: TestClient, demo: ModuleType) -> None:
    r = client.get("/orders/1", headers=bearer(token(demo)))
    assert r.status_code == 200
    assert r.json() == {"id": 1, "sku": "BOOK-0001", "qty": 2}  # projected: no cost, no supplier
    assert r.headers["ratelimit-policy"] == '"read";q=300;w=60'
    assert r.headers["ratelimit"].startswith('"read";r=299;')


def test_missing_token_401_without_error_attribute(client: TestClient) -> None:
    r = client.get("/orders/1")
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.json() == {"detail": {"code": "missing_token", "message": "a bearer token is required"}}


def test_token_only_from_authorization_header(client: TestClient, demo: ModuleType) -> None:
    r = client.get("/orders/1", params={"access_token": token(demo)})
    assert r.status_code == 401


@pytest.mark.parametrize(
    "make,code",
    [
        (lambda m: token(m)[:-2] + ("AA" if not token(m).endswith("AA") else "BB"), "bad_signature"),
        (lambda m: token(m, exp_in=-3600), "expired"),
        (lambda m: pyjwt.encode({"sub": "x", "exp": int(time.time()) + 60}, "k" * 32, algorithm="HS256"), "bad_signature"),
        (lambda m: "not-a-token", "malformed"),
        (lambda m: token(m, iss="https://evil.example/"), "issuer_mismatch"),
    ],
    ids=["tampered", "expired", "foreign_key", "garbage", "wrong_issuer"],
)
def test_rejected_token_401(client: TestClient, demo: ModuleType, make: Any, code: str, caplog: pytest.LogCaptureFixture) -> None:
    bad = make(demo)
    with caplog.at_level(logging.WARNING, logger="apiward"):
        r = client.get("/orders/1", headers=bearer(bad))
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert r.json()["detail"]["code"] == code
    assert bad not in r.text
    records = [rec for rec in caplog.records if rec.name == "apiward"]
    assert len(records) == 1
    entry = records[0].apiward  # type: ignore[attr-defined]
    assert entry["status"] == 401 and entry["code"] == code and entry["method"] == "GET" and entry["path"] == "/orders/1"
    assert entry["latency_ms"] is not None and "timestamp" in entry and "client_ip" in entry


def test_missing_scope_403(client: TestClient, demo: ModuleType) -> None:
    r = client.post("/orders", headers=bearer(token(demo, scope="orders:read")), json={"sku": "BOOK-0002", "qty": 1})
    assert r.status_code == 403
    assert r.json()["detail"]["code"] == "insufficient_scope"
    assert 'error="insufficient_scope"' in r.headers["www-authenticate"]


def test_create_order_projects_response(client: TestClient, demo: ModuleType) -> None:
    r = client.post("/orders", headers=bearer(token(demo)), json={"sku": "BOOK-0002", "qty": 3})
    assert r.status_code == 201
    assert r.json() == {"id": 2, "sku": "BOOK-0002", "qty": 3}
    assert r.headers["ratelimit-policy"].startswith('"write')


def test_mass_assignment_422_in_fastapi_shape(client: TestClient) -> None:
    body = {"email": "ada@example.com", "username": "ada_lovelace", "age": 9999, "is_admin": True}
    r = client.post("/users", json=body)
    assert r.status_code == 422
    assert r.json() == {
        "detail": [
            {"loc": ["body", "age"], "type": "maximum", "msg": "the number is too large"},
            {"loc": ["body", "is_admin"], "type": "unknown_field", "msg": "this field is not allowed"},
        ]
    }
    assert "9999" not in r.text


def test_invalid_json_and_oversized_body(client: TestClient, demo: ModuleType) -> None:
    r = client.post("/users", content=b'{"email": ', headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "syntax"
    big = b'{"sku":"BOOK-0002","qty":1,"note":"' + b"x" * 20000 + b'"}'
    r = client.post("/orders", headers=bearer(token(demo)), content=big)
    assert r.status_code == 413


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "text/plain; charset=utf-8"])
def test_body_not_declared_json_is_415(client: TestClient, content_type: str) -> None:
    # What a cross-site form or fetch can send without a CORS preflight: refused, never validated.
    body = b'{"email":"ada@example.com","username":"ada_lovelace","age":36}'
    r = client.post("/users", content=body, headers={"content-type": content_type})
    assert r.status_code == 415
    assert r.json()["detail"][0]["type"] == "unsupported_media_type"
    for ok in ("application/json", "application/json; charset=utf-8", "application/merge-patch+json"):
        assert client.post("/users", content=body, headers={"content-type": ok}).status_code == 201


def test_login_burst_hits_429_with_headers(client: TestClient) -> None:
    statuses = [client.post("/login", json={"username": "ada", "password": "x"}).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    r = client.post("/login", json={"username": "ada", "password": "x"})
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) >= 1
    # Both policies apply (the route's login quota and the app-wide read quota): the draft's list form.
    assert r.headers["ratelimit-policy"].split(", ") == ['"login";q=5;w=60', '"read";q=300;w=60']
    assert r.headers["ratelimit"].startswith('"login";r=0;')
    assert r.json()["detail"]["code"] == "rate_limited"


def test_health_is_not_limited(client: TestClient) -> None:
    r = client.get("/health")
    assert r.status_code == 200 and "ratelimit" not in r.headers


def make_small_app(limiter: apiward.RateLimiter, resolver: apiward.ClientIpResolver) -> FastAPI:
    secret = bytes(range(32))
    auth = BearerAuth(apiward.JwtVerifier(secret, algorithms=["HS256"]))
    app = FastAPI()
    app.add_middleware(RateLimitMiddleware, limiter=limiter, resolver=resolver)

    @app.get("/admin")
    def admin(claims: Dict[str, Any] = Security(auth, scopes=["admin"])) -> Dict[str, Any]:
        return {"sub": claims["sub"]}

    @app.get("/by-user")
    def by_user(
        claims: Dict[str, Any] = Depends(auth),
        decision: apiward.Decision = Depends(RateLimit(apiward.RateLimiter(1, 60.0), key="user")),
    ) -> Dict[str, int]:
        return {"remaining": decision.remaining}

    return app


def test_security_scopes_and_user_keyed_limit() -> None:
    secret = bytes(range(32))
    app = make_small_app(apiward.RateLimiter(100, 60.0), apiward.ClientIpResolver())
    exp = int(time.time()) + 600
    with TestClient(app) as c:
        ok = apiward.sign({"sub": "root", "exp": exp, "scp": ["admin"]}, secret, "HS256")
        no = apiward.sign({"sub": "bob", "exp": exp, "scope": "read"}, secret, "HS256")
        assert c.get("/admin", headers=bearer(ok)).json() == {"sub": "root"}
        assert c.get("/admin", headers=bearer(no)).status_code == 403
        assert c.get("/by-user", headers=bearer(no)).status_code == 200
        assert c.get("/by-user", headers=bearer(no)).status_code == 429
        assert c.get("/by-user", headers=bearer(ok)).status_code == 200  # another user, own bucket


def test_middleware_keys_by_resolved_ip_behind_trusted_proxy() -> None:
    # TestClient's peer is "testclient" (not an IP), so use the resolver directly for the proxy logic
    # and check that distinct forwarded clients behind one trusted hop get distinct buckets.
    resolver = apiward.ClientIpResolver(1)
    assert resolver.resolve("10.0.0.2", ["203.0.113.7, 198.51.100.9"]) == "198.51.100.9"
    assert apiward.ClientIpResolver().resolve("10.0.0.2", ["203.0.113.7"]) == "10.0.0.2"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_real_uvicorn_server(demo: ModuleType) -> None:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(demo.app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base) as http:
            r = http.get("/orders/1", headers=bearer(token(demo)))
            assert r.status_code == 200 and r.headers["ratelimit"].startswith('"read";')
            r = http.get("/orders/1", headers=bearer(token(demo, exp_in=-3600)))
            assert r.status_code == 401 and r.headers["www-authenticate"] == 'Bearer error="invalid_token"'
            r = http.post("/orders", headers=bearer(token(demo, scope="orders:read")), json={"sku": "BOOK-0002", "qty": 1})
            assert r.status_code == 403
            r = http.post("/users", json={"email": "ada@example.com", "username": "ada", "age": 36, "role": "admin"})
            assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "role"]
            statuses = [http.post("/login", json={"username": "a", "password": "b"}).status_code for _ in range(6)]
            assert statuses[-1] == 429
            r = http.post("/login", json={"username": "a", "password": "b"})
            assert r.status_code == 429 and "retry-after" in r.headers and "ratelimit" in r.headers
            assert "Traceback" not in r.text
    finally:
        server.should_exit = True
        thread.join(timeout=10)
