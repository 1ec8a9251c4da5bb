"""Tokens minted by real peers (PyJWT, joserfc) for every algorithm both support: accepted, and rejected once tampered."""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, Tuple

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from joserfc import jws as joserfc_jws
from joserfc import jwt as joserfc_jwt
from joserfc.jwk import ECKey, OctKey, OKPKey, RSAKey

import apiward

from conftest import NOW

CLAIMS: Dict[str, Any] = {
    "sub": "user-1234",
    "iss": "https://auth.example.com/",
    "aud": "api://orders",
    "iat": NOW,
    "nbf": NOW,
    "exp": NOW + 900,
    "scope": "orders:read orders:write",
}

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEYS = {256: ec.generate_private_key(ec.SECP256R1()), 384: ec.generate_private_key(ec.SECP384R1()), 521: ec.generate_private_key(ec.SECP521R1())}
ED_KEY = ed25519.Ed25519PrivateKey.generate()
SECRET = bytes(range(64))


def private_and_public(alg: str) -> Tuple[Any, bytes]:
    """(private key object for the peer, SPKI PEM of the public key — or the secret for HMAC)."""
    if alg.startswith("HS"):
        return SECRET, SECRET
    if alg[:2] in ("RS", "PS"):
        key: Any = RSA_KEY
    elif alg.startswith("ES"):
        key = EC_KEYS[{"ES256": 256, "ES384": 384, "ES512": 521}[alg]]
    else:
        key = ED_KEY
    pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return key, pem


def verifier_for(alg: str, public: bytes) -> apiward.JwtVerifier:
    keys: Any = public if alg.startswith("HS") else apiward.Key.from_pem(public, kid="k1")
    return apiward.JwtVerifier(
        keys, algorithms=[alg], issuer="https://auth.example.com/", audience="api://orders", leeway=30
    )


def mint_pyjwt(alg: str, key: Any) -> str:
    return pyjwt.encode(CLAIMS, key, algorithm=alg, headers={"kid": "k1"})


def mint_joserfc(alg: str, key: Any) -> str:
    if alg.startswith("HS"):
        jkey: Any = OctKey.import_key(key)
    else:
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        jkey = {"RS": RSAKey, "PS": RSAKey, "ES": ECKey, "Ed": OKPKey}[alg[:2]].import_key(pem)
    registry = joserfc_jws.JWSRegistry(algorithms=[alg])
    return joserfc_jwt.encode({"alg": alg, "kid": "k1"}, CLAIMS, jkey, algorithms=[alg], registry=registry)


PYJWT_ALGS = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]
JOSERFC_ALGS = PYJWT_ALGS + ["Ed25519"]  # RFC 9864 fully-specified EdDSA
MINTERS: Dict[str, Callable[[str, Any], str]] = {"pyjwt": mint_pyjwt, "joserfc": mint_joserfc}
CASES = [(peer, alg) for peer, algs in (("pyjwt", PYJWT_ALGS), ("joserfc", JOSERFC_ALGS)) for alg in algs]


def flip_signature(token: str) -> str:
    head, payload, signature = token.split(".")
    # Change a character in the middle (never the last one, whose low bits may be padding).
    i = len(signature) // 2
    replacement = "A" if signature[i] != "A" else "B"
    return ".".join([head, payload, signature[:i] + replacement + signature[i + 1 :]])


@pytest.mark.parametrize("peer,alg", CASES)
def test_peer_token_accepted_and_tampered_rejected(peer: str, alg: str) -> None:
    private, public = private_and_public(alg)
    token = MINTERS[peer](alg, private)
    verifier = verifier_for(alg, public)
    assert verifier.verify(token, now=NOW + 60) == CLAIMS

    with pytest.raises(apiward.JwtError) as raised:
        verifier.verify(flip_signature(token), now=NOW + 60)
    assert raised.value.code == "bad_signature"

    head, payload, signature = token.split(".")
    forged_claims = dict(CLAIMS, sub="admin")
    forged = pyjwt.utils.base64url_encode(json.dumps(forged_claims).encode()).decode()
    with pytest.raises(apiward.JwtError) as raised:
        verifier.verify(".".join([head, forged, signature]), now=NOW + 60)
    assert raised.value.code == "bad_signature"


@pytest.mark.parametrize("alg", ["HS256", "ES256", "EdDSA"])
def test_apiward_signed_tokens_verify_in_pyjwt(alg: str) -> None:
    """The other direction: apiward.sign output is accepted by PyJWT."""
    if alg == "HS256":
        key: Any = SECRET
        public: Any = SECRET
    else:
        private = EC_KEYS[256] if alg == "ES256" else ED_KEY
        key = json.loads(pyjwt.algorithms.get_default_algorithms()[alg].to_jwk(private))
        public = private.public_key()
    token = apiward.sign(CLAIMS, key, alg, kid="k1")
    decoded = pyjwt.decode(token, public, algorithms=[alg], audience="api://orders", options={"verify_exp": False, "verify_iat": False, "verify_nbf": False})
    assert decoded == CLAIMS


def test_alg_confusion_hs256_with_rsa_public_key_rejected() -> None:
    _, pem = private_and_public("RS256")
    # An attacker signs HS256 with the RSA public key's PEM bytes as the secret.
    token = pyjwt.api_jws.PyJWS().encode(json.dumps(CLAIMS).encode(), b"x" * 32, algorithm="HS256")
    verifier = verifier_for("RS256", pem)
    with pytest.raises(apiward.JwtError) as raised:
        verifier.verify(token, now=NOW + 60)
    assert raised.value.code == "alg_not_allowed"
