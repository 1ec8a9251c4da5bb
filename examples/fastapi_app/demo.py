"""The scripted client of ``make demo``: starts the example service on 127.0.0.1, shows each defence, stops it.

Scenes: an accepted request (200 + RateLimit headers), a forged and an expired token (401), a missing
scope (403), a burst against the login quota (429 + Retry-After), and a mass-assignment attempt (422).
Exits non-zero if any response is not the one expected, so the demo cannot silently rot.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import httpx

import apiward

HERE = Path(__file__).resolve().parent
SECRET = bytes(range(32))
ISSUER = "https://auth.example.com/"
AUDIENCE = "api://orders"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def token(scope: str, exp_in: int = 900, secret: bytes = SECRET) -> str:
    now = int(time.time())
    claims = {"sub": "user-1234", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + exp_in, "scope": scope}
    return apiward.sign(claims, secret, "HS256")


def show(title: str, response: httpx.Response, expect: int, headers: List[str]) -> bool:
    ok = response.status_code == expect
    print(f"{'ok ' if ok else 'BAD'} {title:<44} -> {response.status_code} (expected {expect})")
    for name in headers:
        if name in response.headers:
            print(f"      {name}: {response.headers[name]}")
    print(f"      body: {response.text[:160]}")
    return ok


def main() -> int:
    port = free_port()
    env = dict(os.environ, APIWARD_DEMO_SECRET=SECRET.hex())
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app:app", "--app-dir", str(HERE), "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env,
    )
    results: List[bool] = []
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/health", timeout=1.0)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    print("the service did not start", file=sys.stderr)
                    return 1
                time.sleep(0.1)
        print(f"apiward FastAPI demo: orders service on {base}\n")
        auth: Dict[str, str] = {"Authorization": f"Bearer {token('orders:read orders:write')}"}
        with httpx.Client(base_url=base) as http:
            results.append(show("accepted: GET /orders/1 with a valid token", http.get("/orders/1", headers=auth), 200, ["ratelimit", "ratelimit-policy"]))
            forged = token("orders:read", secret=b"attacker-secret-attacker-secret!")
            results.append(show("forged token (wrong key)", http.get("/orders/1", headers={"Authorization": f"Bearer {forged}"}), 401, ["www-authenticate"]))
            expired = token("orders:read", exp_in=-3600)
            results.append(show("expired token", http.get("/orders/1", headers={"Authorization": f"Bearer {expired}"}), 401, ["www-authenticate"]))
            reader = {"Authorization": f"Bearer {token('orders:read')}"}
            results.append(show("missing scope: POST /orders with orders:read", http.post("/orders", headers=reader, json={"sku": "BOOK-0002", "qty": 1}), 403, ["www-authenticate"]))
            last: Optional[httpx.Response] = None
            for _ in range(6):
                last = http.post("/login", json={"username": "ada", "password": "guess"})
            assert last is not None
            results.append(show("burst: 6 logins in a row (quota 5/min)", last, 429, ["retry-after", "ratelimit", "ratelimit-policy"]))
            attempt: Dict[str, Any] = {"email": "ada@example.com", "username": "ada_lovelace", "age": 36, "is_admin": True}
            results.append(show("mass assignment: POST /users with is_admin", http.post("/users", json=attempt), 422, []))
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"\n{sum(results)}/{len(results)} scenes as expected; service stopped.")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
