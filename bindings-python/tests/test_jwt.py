"""JwtVerifier, Key and sign: every public method and every construction-time refusal."""

from __future__ import annotations

import json
from typing import Any, Dict

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

import apiward
from apiward import ApiwardError, ConfigError, JwtError, JwtVerifier, Key

from conftest import NOW, load_vectors

KEYS = load_vectors("jwt/keys.json")["keys"]
CLAIMS: Dict[str, Any] = {"sub": "user-1234", "iss": "https://auth.example.com/", "aud": "api://orders", "iat": NOW, "exp": NOW + 900}


def verifier(keys: Any, **kw: Any) -> JwtVerifier:
    kw.setdefault("algorithms", ["HS256"])
    kw.setdefault("audience", "api://orders")
    return JwtVerifier(keys, **kw)


def test_verify_returns_python_objects(hs_secret: bytes) -> None:
    claims = dict(CLAIMS, nested={"a": [1, 2.5, None, True, "é"]}, big=2**70, frac=NOW + 0.5)
    t = apiward.sign(claims, hs_secret, "HS256")
    got = verifier(hs_secret).verify(t, now=NOW)
    assert got == claims and isinstance(got["frac"], float) and got["big"] == 2**70
    assert verifier(hs_secret).verify(t.encode(), now=NOW) == claims  # bytes token too


def test_system_clock_is_used_when_now_is_omitted(hs_secret: bytes) -> None:
    claims = {k: v for k, v in CLAIMS.items() if k != "iat"}
    t = apiward.sign(dict(claims, exp=NOW), hs_secret, "HS256")  # 2027-01-15: still ahead of the system clock
    with pytest.raises(JwtError):
        verifier(hs_secret).verify(apiward.sign(dict(CLAIMS, exp=1), hs_secret, "HS256"))
    verifier(hs_secret).verify(t)


def test_keys_forms(hs_secret: bytes) -> None:
    jwk = dict(KEYS["hs256"], kid="k1")
    t = apiward.sign(CLAIMS, hs_secret, "HS256", kid="k1")
    for keys in (hs_secret, jwk, json.dumps(jwk), json.dumps(jwk).encode(), {"keys": [jwk]}, Key.hmac(hs_secret), [Key.hmac(hs_secret, kid="k1")], Key.from_jwk(jwk)):
        assert verifier(keys).verify(t, now=NOW)["sub"] == "user-1234"


def test_policy_options(hs_secret: bytes) -> None:
    t = apiward.sign(CLAIMS, hs_secret, "HS256")
    v = verifier(hs_secret, issuer=["https://auth.example.com/", "https://other/"], audience="api://orders", leeway=30, require=["sub", "iat"], max_age=3600)
    assert v.verify(t, now=NOW + 910)["sub"] == "user-1234"  # within leeway
    with pytest.raises(JwtError) as e:
        v.verify(t, now=NOW + 931)
    assert e.value.code == "expired"
    with pytest.raises(JwtError) as e:
        verifier(hs_secret, audience="api://other").verify(t, now=NOW)
    assert e.value.code == "audience_mismatch"
    with pytest.raises(JwtError) as e:
        verifier(hs_secret, require=["jti"]).verify(t, now=NOW)
    assert e.value.code == "missing_claim"
    with pytest.raises(JwtError) as e:
        verifier(hs_secret, typ="at+jwt").verify(t, now=NOW)
    assert e.value.code == "typ_mismatch"
    with pytest.raises(JwtError) as e:
        verifier(hs_secret, max_token_bytes=64).verify(t, now=NOW)
    assert e.value.code == "token_too_large"
    no_exp = apiward.sign({"sub": "x", "aud": "api://orders"}, hs_secret, "HS256")
    with pytest.raises(JwtError) as e:
        verifier(hs_secret).verify(no_exp, now=NOW)
    assert e.value.code == "missing_claim"
    assert verifier(hs_secret, allow_missing_exp=True).verify(no_exp, now=NOW) == {"sub": "x", "aud": "api://orders"}
    big = verifier(hs_secret, max_token_bytes=100_000)
    assert big.verify(apiward.sign(dict(CLAIMS, pad="x" * 20_000), hs_secret, "HS256"), now=NOW)["pad"] == "x" * 20_000
    assert v.algorithms == ["HS256"] and "HS256" in repr(v) and "keys=1" in repr(v)


@pytest.mark.parametrize(
    "kwargs,code",
    [
        ({"algorithms": ["none"]}, "alg_not_allowed"),
        ({"algorithms": ["hs256"]}, "alg_not_allowed"),
        ({"algorithms": []}, "alg_not_allowed"),
        ({"require": ["favourite_colour"]}, "invalid_policy"),
        ({"max_token_bytes": 0}, "invalid_policy"),
        ({"issuer": [str(i) for i in range(9)]}, "invalid_policy"),
    ],
)
def test_bad_arguments_raise_at_construction(hs_secret: bytes, kwargs: Dict[str, Any], code: str) -> None:
    with pytest.raises(ConfigError) as e:
        verifier(hs_secret, **kwargs)
    assert e.value.code == code and isinstance(e.value, ValueError) and isinstance(e.value, ApiwardError)


def test_bad_keys_raise_at_construction() -> None:
    for keys, code in ((b"short", "weak_key"), ("secret-as-text", "invalid_key"), ({"kty": "oct", "k": "AAAA"}, "weak_key"), ({"kty": "EC"}, "invalid_key"), ([], "invalid_key"), ({"keys": []}, "invalid_key")):
        with pytest.raises(ConfigError) as e:
            verifier(keys)
        assert e.value.code == code, keys
    with pytest.raises(ConfigError) as e:
        Key.hmac(b"x" * 31)
    assert e.value.code == "weak_key"
    with pytest.raises(ConfigError):
        Key.hmac(b"x" * 32, kid="k" * 129)
    with pytest.raises(ConfigError):
        Key.from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    weak_rsa = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    with pytest.raises(ConfigError) as e:
        Key.from_pem(weak_rsa.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    assert e.value.code == "weak_key"


def test_key_properties_and_repr_never_show_material(hs_secret: bytes) -> None:
    key = Key.hmac(hs_secret, kid="k1", alg="HS256")
    assert key.kid == "k1" and key.alg == "HS256"
    assert hs_secret.hex() not in repr(key) and "k1" in repr(key)
    pem = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert Key.from_pem(pem.decode()).kid is None and Key.from_pem(pem, kid="e").kid == "e"


def test_errors_carry_code_and_fixed_message(hs_secret: bytes) -> None:
    t = apiward.sign(CLAIMS, hs_secret, "HS256")
    with pytest.raises(JwtError) as e:
        verifier(bytes(32)).verify(t, now=NOW)
    assert e.value.code == "bad_signature" and e.value.message == str(e.value)
    assert t not in str(e.value) and "bad_signature" in repr(e.value)


def test_sign_algorithms_and_refusals(hs_secret: bytes) -> None:
    for alg, name in (("HS256", "hs256"), ("HS384", "hs384"), ("HS512", "hs512"), ("ES256", "p256"), ("EdDSA", "ed25519")):
        private = KEYS[name]
        public = {k: v for k, v in private.items() if k != "d"}
        t = apiward.sign(CLAIMS, private, alg, kid="k1")
        assert JwtVerifier(public, algorithms=[alg], audience="api://orders").verify(t, now=NOW) == CLAIMS
    with pytest.raises(ConfigError) as e:
        apiward.sign(CLAIMS, hs_secret, "RS256")
    assert e.value.code == "key_alg_mismatch"
    with pytest.raises(ConfigError):
        apiward.sign(CLAIMS, {"kty": "RSA"}, "RS256")
    with pytest.raises(ConfigError) as e:
        apiward.sign(CLAIMS, b"x" * 31, "HS256")
    assert e.value.code == "weak_key"
    with pytest.raises(JwtError) as err:
        apiward.sign(CLAIMS, hs_secret, "HS512")  # 32 bytes cannot key HS512
    assert err.value.code == "key_alg_mismatch"
