#!/usr/bin/env python3
"""Generate the shared JWT verification vectors for apiward.

Run from anywhere with PyJWT and cryptography installed:

    python3 -m venv /tmp/vecvenv && /tmp/vecvenv/bin/pip install pyjwt cryptography
    /tmp/vecvenv/bin/python tests/vectors/jwt/generate.py

Tokens are built by hand: the generator base64url-encodes exact header and payload
BYTES and signs the segments exactly as presented, so a case can carry duplicate
members, escaped names, odd numbers or broken encodings while its signature still
verifies. Every case is then re-derived three ways before it is written:

* a reference model of the verifier (``evaluate`` below, written from the rule text,
  sharing no code with the case builders) must reach the same verdict and code;
* every "valid": true case has its signature verified by PyJWT (an independent JOSE
  implementation with its own base64url, JSON and R||S handling);
* every invalid case whose code is not bad_signature must carry a signature that
  PyJWT accepts over the segments as presented, unless the token is a structural
  mutation that never reaches signature verification (marked ``mutated``).

Keys live in keys.json (TEST keys, private parts included); they are generated on
the first run and loaded afterwards, so only ECDSA/PSS signatures change between runs.
"""
from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import math
import re
import sys
from fractions import Fraction
from pathlib import Path

import jwt  # PyJWT, used only as an independent checker
from jwt.algorithms import get_default_algorithms
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, x25519
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.x509.oid import NameOID

HERE = Path(__file__).resolve().parent
NOW = 1800000000
VNOW = 1800000060  # the "now" of typical cases
ISS = "https://auth.example.com/"
AUD = "api://orders"
STD_CLAIMS = {
    "sub": "user-1234",
    "iss": ISS,
    "aud": AUD,
    "iat": 1800000000,
    "nbf": 1800000000,
    "exp": 1800000900,
    "scope": "orders:read orders:write",
    "jti": "6f1c2a4e-8a7b-4c0d-9e2f-3b5a7c9d1e0f",
}
CODES = [
    "malformed", "token_too_large", "duplicate_member", "alg_not_allowed", "unknown_kid",
    "ambiguous_key", "key_alg_mismatch", "bad_signature", "expired", "not_yet_valid",
    "issued_in_future", "token_too_old", "issuer_mismatch", "audience_mismatch",
    "missing_claim", "invalid_claim", "typ_mismatch", "unsupported_crit", "nested_jwt",
    "weak_key", "invalid_key",
]

HASHES = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}
HASHLIB = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}
CURVES = {"P-256": (ec.SECP256R1, 32), "P-384": (ec.SECP384R1, 48), "P-521": (ec.SECP521R1, 66),
          "secp256k1": (ec.SECP256K1, 32)}
CURVE_ORDER = {
    "P-256": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    "P-384": int("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF"
                 "581A0DB248B0A77AECEC196ACCC52973", 16),
    "P-521": int("1" + "F" * 65 + "A51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409", 16),
}
ED25519_L = 2**252 + 27742317777372353535851937790883648493
# Canonical encodings of the small-order points of edwards25519 (orders 1, 2, 4, 8, 8).
ED25519_SMALL_ORDER = {
    bytes.fromhex("0100000000000000000000000000000000000000000000000000000000000000"),
    bytes.fromhex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    bytes.fromhex("0000000000000000000000000000000000000000000000000000000000000000"),
    bytes.fromhex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
    bytes.fromhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
}


# ----------------------------------------------------------------------------- encoding

def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jdump(obj) -> bytes:
    """Compact JSON bytes, non-ASCII kept as UTF-8."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def i2b(value: int, width: int) -> bytes:
    return value.to_bytes(width, "big")


def b2i(data: bytes) -> int:
    return int.from_bytes(data, "big")


# ----------------------------------------------------------------------------- keys

def _rsa_jwk(key: rsa.RSAPrivateKey) -> dict:
    pn = key.private_numbers()
    pub = pn.public_numbers
    nlen = (pub.n.bit_length() + 7) // 8
    return {
        "kty": "RSA",
        "n": b64u(i2b(pub.n, nlen)),
        "e": b64u(i2b(pub.e, 3)),
        "d": b64u(i2b(pn.d, nlen)),
        "p": b64u(i2b(pn.p, (pn.p.bit_length() + 7) // 8)),
        "q": b64u(i2b(pn.q, (pn.q.bit_length() + 7) // 8)),
        "dp": b64u(i2b(pn.dmp1, (pn.dmp1.bit_length() + 7) // 8)),
        "dq": b64u(i2b(pn.dmq1, (pn.dmq1.bit_length() + 7) // 8)),
        "qi": b64u(i2b(pn.iqmp, (pn.iqmp.bit_length() + 7) // 8)),
    }


def _ec_jwk(key: ec.EllipticCurvePrivateKey, crv: str) -> dict:
    width = CURVES[crv][1]
    pn = key.private_numbers()
    return {"kty": "EC", "crv": crv,
            "x": b64u(i2b(pn.public_numbers.x, width)),
            "y": b64u(i2b(pn.public_numbers.y, width)),
            "d": b64u(i2b(pn.private_value, width))}


def _okp_jwk(key, crv: str) -> dict:
    raw_priv = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                 serialization.NoEncryption())
    raw_pub = key.public_key().public_bytes(serialization.Encoding.Raw,
                                            serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": crv, "x": b64u(raw_pub), "d": b64u(raw_priv)}


def generate_keys() -> dict:
    print("generating keys (once) ...", file=sys.stderr)
    keys = {
        "hs256": {"kty": "oct", "k": b64u(bytes(range(32)))},
        "hs384": {"kty": "oct", "k": b64u(bytes(range(48)))},
        "hs512": {"kty": "oct", "k": b64u(bytes(range(64)))},
        "hs_31": {"kty": "oct", "k": b64u(bytes(range(31)))},
        "hs_empty": {"kty": "oct", "k": ""},
        "hs256_b": {"kty": "oct", "k": b64u(bytes(range(0x80, 0xA0)))},
    }
    for name, bits in [("rsa", 2048), ("rsa_b", 2048), ("attacker_rsa", 2048),
                       ("rsa_1024", 1024), ("rsa_2047", 2047), ("rsa_8256", 8256)]:
        keys[name] = _rsa_jwk(rsa.generate_private_key(65537, bits))
    for name, crv in [("p256", "P-256"), ("p256_b", "P-256"), ("attacker_p256", "P-256"),
                      ("p384", "P-384"), ("p521", "P-521"), ("secp256k1", "secp256k1")]:
        keys[name] = _ec_jwk(ec.generate_private_key(CURVES[crv][0]()), crv)
    keys["ed25519"] = _okp_jwk(ed25519.Ed25519PrivateKey.generate(), "Ed25519")
    keys["ed25519_b"] = _okp_jwk(ed25519.Ed25519PrivateKey.generate(), "Ed25519")
    keys["x25519"] = _okp_jwk(x25519.X25519PrivateKey.generate(), "X25519")
    return keys


def load_keys() -> dict:
    path = HERE / "keys.json"
    if path.exists():
        return json.loads(path.read_text())["keys"]
    keys = generate_keys()
    doc = {
        "description": "TEST KEYS ONLY - private JWKs used by generate.py to sign the JWT vectors. "
                       "Never use them for anything else. Not a vector file.",
        "keys": keys,
    }
    path.write_text(json.dumps(doc, indent=2) + "\n")
    return keys


KEYS = load_keys()
PRIVATE_FIELDS = ("d", "p", "q", "dp", "dq", "qi", "oth")


def private_key(name: str):
    jwk_ = KEYS[name]
    kty = jwk_["kty"]
    if kty == "oct":
        return b64d(jwk_["k"])
    if kty == "RSA":
        n, e = b2i(b64d(jwk_["n"])), b2i(b64d(jwk_["e"]))
        p, q, d = b2i(b64d(jwk_["p"])), b2i(b64d(jwk_["q"])), b2i(b64d(jwk_["d"]))
        return rsa.RSAPrivateNumbers(p, q, d, b2i(b64d(jwk_["dp"])), b2i(b64d(jwk_["dq"])),
                                     b2i(b64d(jwk_["qi"])), rsa.RSAPublicNumbers(e, n)).private_key()
    if kty == "EC":
        return ec.derive_private_key(b2i(b64d(jwk_["d"])), CURVES[jwk_["crv"]][0]())
    if jwk_["crv"] == "Ed25519":
        return ed25519.Ed25519PrivateKey.from_private_bytes(b64d(jwk_["d"]))
    raise ValueError(name)


def pub(name: str, **extra) -> dict:
    """Public JWK of a stored key, with extra members (None drops a member)."""
    out = {k: v for k, v in KEYS[name].items() if k not in PRIVATE_FIELDS or KEYS[name]["kty"] == "oct"}
    if out["kty"] == "oct":
        out = {"kty": "oct", "k": KEYS[name]["k"]}
    for k, v in extra.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = v
    return out


def jwks(*keys) -> dict:
    return {"keys": list(keys)}


# ----------------------------------------------------------------------------- signing

def sign(alg: str, key, msg: bytes) -> bytes:
    """Sign with a stored key name or a key object; ECDSA output is raw R||S."""
    if isinstance(key, str):
        key = private_key(key)
    fam, size = alg[:2], alg[2:]
    if alg in ("EdDSA", "Ed25519"):
        return key.sign(msg)
    if fam == "HS":
        return hmac.new(key, msg, HASHLIB[size]).digest()
    if fam == "RS":
        return key.sign(msg, padding.PKCS1v15(), HASHES[size]())
    if fam == "PS":
        h = HASHES[size]()
        return key.sign(msg, padding.PSS(padding.MGF1(h), h.digest_size), h)
    if fam == "ES":
        width = {"256": 32, "384": 48, "512": 66}[size]
        r, s = decode_dss_signature(key.sign(msg, ec.ECDSA(HASHES[size]())))
        return i2b(r, width) + i2b(s, width)
    raise ValueError(alg)


def pyjwt_verify(alg: str, jwk_pub: dict, msg: bytes, sig: bytes) -> bool:
    """Independent check with PyJWT's algorithm objects (their own key import and R||S decoding)."""
    algs = get_default_algorithms()
    impl = algs["EdDSA" if alg == "Ed25519" else alg]
    if jwk_pub["kty"] == "oct":
        return impl.verify(msg, b64d(jwk_pub["k"]), sig)
    key = impl.from_jwk(json.dumps({k: v for k, v in jwk_pub.items() if k not in ("alg", "use", "key_ops", "kid")}))
    return impl.verify(msg, key, sig)


# Tokens produced by make() with their natural signature, and the key that signed them.
SIGNED: dict[str, tuple[str, str]] = {}


def enc(part) -> str:
    if isinstance(part, str):
        return part  # a pre-encoded segment, used as presented
    if isinstance(part, (bytes, bytearray)):
        return b64u(bytes(part))
    return b64u(jdump(part))


def make(header, payload, key: str | None = None, alg: str | None = None, sig=None) -> str:
    """Build a compact token. header/payload: dict (compact JSON), bytes (exact), str (segment).

    The signature covers the first two segments exactly as presented. ``sig`` overrides it
    (bytes are encoded, a str is used verbatim)."""
    h, p = enc(header), enc(payload)
    signing_input = f"{h}.{p}".encode("ascii", "surrogateescape") if h.isascii() and p.isascii() else None
    if alg is None and isinstance(header, dict):
        alg = header.get("alg")
    if sig is None:
        assert key is not None and signing_input is not None
        raw = sign(alg, key, signing_input)
        token = f"{h}.{p}.{b64u(raw)}"
        assert pyjwt_verify(alg, pub(key), signing_input, raw), (alg, key)
        SIGNED[token] = (alg, key)
        return token
    return f"{h}.{p}.{sig if isinstance(sig, str) else b64u(sig)}"


def split(token: str):
    h, p, s = token.split(".")
    return h, p, s


# ----------------------------------------------------------------------------- reference model

class Reject(Exception):
    def __init__(self, code: str, why: str = ""):
        super().__init__(code, why)
        self.code = code


B64_ALPHABET = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def strict_b64(seg: str) -> bytes:
    if any(c not in B64_ALPHABET for c in seg) or len(seg) % 4 == 1:
        raise Reject("malformed", "base64url alphabet/length")
    data = b64d(seg)
    if b64u(data) != seg:
        raise Reject("malformed", "non-canonical trailing bits")
    return data


MAX_DEPTH = 64
NUMBER_RE = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")


class StrictJSON:
    """RFC 8259 parser: UTF-8 only, no extensions, duplicate names (after unescaping) rejected."""

    def __init__(self, data: bytes):
        if data.startswith(b"\xef\xbb\xbf"):
            raise Reject("malformed", "BOM")
        try:
            self.s = data.decode("utf-8")  # strict: overlong, surrogates, truncation all fail
        except UnicodeDecodeError:
            raise Reject("malformed", "invalid UTF-8") from None
        self.i = 0
        self.dup = None

    def parse(self):
        self.ws()
        value = self.value(1)
        self.ws()
        if self.i != len(self.s):
            raise Reject("malformed", "trailing data")
        if self.dup:
            raise Reject("duplicate_member", self.dup)
        return value

    def ws(self):
        while self.i < len(self.s) and self.s[self.i] in " \t\r\n":
            self.i += 1

    def peek(self):
        return self.s[self.i] if self.i < len(self.s) else ""

    def value(self, depth):
        c = self.peek()
        if c in "{[":
            if depth > MAX_DEPTH:
                raise Reject("malformed", "too deep")
            return self.obj(depth) if c == "{" else self.arr(depth)
        if c == '"':
            return self.string()
        for lit, val in (("true", True), ("false", False), ("null", None)):
            if self.s.startswith(lit, self.i):
                self.i += len(lit)
                return val
        m = NUMBER_RE.match(self.s, self.i)
        if not m or m.end() == self.i:
            raise Reject("malformed", f"unexpected {c!r}")
        self.i = m.end()
        text = m.group(0)
        if m.group(1) is None and m.group(2) is None:
            return int(text)
        return float(text)  # 1e400 -> inf; the claim rules reject it

    def obj(self, depth):
        self.i += 1
        out, seen = {}, set()
        self.ws()
        if self.peek() == "}":
            self.i += 1
            return out
        while True:
            self.ws()
            if self.peek() != '"':
                raise Reject("malformed", "member name")
            name = self.string()
            self.ws()
            if self.peek() != ":":
                raise Reject("malformed", "colon")
            self.i += 1
            self.ws()
            val = self.value(depth + 1)
            if name in seen and self.dup is None:
                self.dup = name
            seen.add(name)
            out[name] = val
            self.ws()
            c = self.peek()
            self.i += 1
            if c == "}":
                return out
            if c != ",":
                raise Reject("malformed", "object separator")

    def arr(self, depth):
        self.i += 1
        out = []
        self.ws()
        if self.peek() == "]":
            self.i += 1
            return out
        while True:
            self.ws()
            out.append(self.value(depth + 1))
            self.ws()
            c = self.peek()
            self.i += 1
            if c == "]":
                return out
            if c != ",":
                raise Reject("malformed", "array separator")

    def hex4(self):
        h = self.s[self.i:self.i + 4]
        if len(h) != 4 or any(ch not in "0123456789abcdefABCDEF" for ch in h):
            raise Reject("malformed", "\\u escape")
        self.i += 4
        return int(h, 16)

    def string(self):
        self.i += 1
        out = []
        simple = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
        while True:
            if self.i >= len(self.s):
                raise Reject("malformed", "unterminated string")
            c = self.s[self.i]
            self.i += 1
            if c == '"':
                return "".join(out)
            if ord(c) < 0x20:
                raise Reject("malformed", "raw control character")
            if c != "\\":
                out.append(c)
                continue
            e = self.s[self.i:self.i + 1]
            self.i += 1
            if e in simple:
                out.append(simple[e])
            elif e == "u":
                cp = self.hex4()
                if 0xD800 <= cp <= 0xDBFF:
                    if self.s[self.i:self.i + 2] != "\\u":
                        raise Reject("malformed", "lone high surrogate")
                    self.i += 2
                    lo = self.hex4()
                    if not 0xDC00 <= lo <= 0xDFFF:
                        raise Reject("malformed", "bad low surrogate")
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
                elif 0xDC00 <= cp <= 0xDFFF:
                    raise Reject("malformed", "lone low surrogate")
                out.append(chr(cp))
            else:
                raise Reject("malformed", "bad escape")


def json_object(data: bytes) -> dict:
    value = StrictJSON(data).parse()
    if not isinstance(value, dict):
        raise Reject("malformed", "not an object")
    return value


def build_keyset(keys) -> list:
    # Weak keys stay in the set, marked: selecting one gives weak_key; they never serve a token.
    key_list = [dict(k) for k in (keys["keys"] if "keys" in keys else [keys])]
    for k in key_list:
        kty = k.get("kty")
        if kty == "oct":
            if len(b64d(k["k"])) < 32:
                k["_weak"] = True
        elif kty == "RSA":
            bits = b2i(b64d(k["n"])).bit_length()
            if bits < 2048:
                k["_weak"] = True
            if bits > 8192:
                raise Reject("invalid_key", "RSA > 8192")
        elif kty == "EC" and k.get("crv") in ("P-256", "P-384", "P-521"):
            try:
                ec.EllipticCurvePublicNumbers(b2i(b64d(k["x"])), b2i(b64d(k["y"])),
                                              CURVES[k["crv"]][0]()).public_key()
            except ValueError:
                raise Reject("invalid_key", "point not on curve") from None
        elif kty == "OKP" and k.get("crv") == "Ed25519":
            if b64d(k["x"]) in ED25519_SMALL_ORDER:
                k["_weak"] = True
    return key_list


def compatible(k: dict, alg: str) -> bool:
    if k.get("_weak"):
        return False
    kty, crv = k.get("kty"), k.get("crv")
    fam = {"oct": ("HS256", "HS384", "HS512"),
           "RSA": ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512")}.get(kty)
    if kty == "EC":
        fam = {"P-256": ("ES256",), "P-384": ("ES384",), "P-521": ("ES512",)}.get(crv)
    if kty == "OKP":
        fam = ("EdDSA", "Ed25519") if crv == "Ed25519" else None
    if not fam or alg not in fam:
        return False
    if "alg" in k and k["alg"] != alg:
        return False
    if "use" in k and k["use"] != "sig":
        return False
    if "key_ops" in k and "verify" not in k["key_ops"]:
        return False
    return True


def ascii_lower(s: str) -> str:
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)


def norm_typ(s: str) -> str:
    s = ascii_lower(s)
    return s[len("application/"):] if s.startswith("application/") else s


def verify_sig(alg: str, k: dict, msg: bytes, sig: bytes) -> bool:
    size = alg[2:]
    try:
        if k["kty"] == "oct":
            return hmac.compare_digest(hmac.new(b64d(k["k"]), msg, HASHLIB[size]).digest(), sig)
        if k["kty"] == "RSA":
            n = b2i(b64d(k["n"]))
            if len(sig) != (n.bit_length() + 7) // 8:
                return False
            key = rsa.RSAPublicNumbers(b2i(b64d(k["e"])), n).public_key()
            h = HASHES[size]()
            pad = padding.PKCS1v15() if alg.startswith("RS") else padding.PSS(padding.MGF1(h), h.digest_size)
            key.verify(sig, msg, pad, h)
            return True
        if k["kty"] == "EC":
            curve, width = CURVES[k["crv"]]
            if len(sig) != 2 * width:
                return False
            r, s = b2i(sig[:width]), b2i(sig[width:])
            if not (0 < r < CURVE_ORDER[k["crv"]] and 0 < s < CURVE_ORDER[k["crv"]]):
                return False
            key = ec.EllipticCurvePublicNumbers(b2i(b64d(k["x"])), b2i(b64d(k["y"])), curve()).public_key()
            key.verify(encode_dss_signature(r, s), msg, ec.ECDSA(HASHES[size]()))
            return True
        if k["kty"] == "OKP":
            if len(sig) != 64 or int.from_bytes(sig[32:], "little") >= ED25519_L:
                return False
            ed25519.Ed25519PublicKey.from_public_bytes(b64d(k["x"])).verify(sig, msg)
            return True
    except InvalidSignature:
        return False
    raise AssertionError(k)


def number(v) -> Fraction:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise Reject("invalid_claim", "not a number")
    if isinstance(v, float) and not math.isfinite(v):
        raise Reject("invalid_claim", "outside double range")
    if isinstance(v, int):
        try:
            float(v)
        except OverflowError:
            raise Reject("invalid_claim", "outside double range") from None
    return Fraction(v)


def evaluate(token: str, keys, policy: dict, now: int):
    """The verifier's rules, as written in README.md. Returns the claims or raises Reject."""
    key_list = build_keyset(keys)
    if len(token.encode("utf-8")) > policy.get("max_token_bytes", 8192):
        raise Reject("token_too_large")
    parts = token.split(".")
    if len(parts) != 3 or not parts[0] or not parts[1]:
        raise Reject("malformed", "segments")
    hb, pb, sb = (strict_b64(p) for p in parts)
    header = json_object(hb)
    payload = json_object(pb)
    alg = header.get("alg")
    if not isinstance(alg, str):
        raise Reject("malformed", "alg")
    for name in ("kid", "typ"):
        if name in header and not isinstance(header[name], str):
            raise Reject("malformed", name)
    if "crit" in header:
        raise Reject("unsupported_crit")
    if "b64" in header:
        raise Reject("malformed", "b64 without crit")
    if isinstance(header.get("cty"), str) and ascii_lower(header["cty"]) == "jwt":
        raise Reject("nested_jwt")
    if alg not in policy["algorithms"]:
        raise Reject("alg_not_allowed")
    if "typ" in policy and ("typ" not in header or norm_typ(header["typ"]) != norm_typ(policy["typ"])):
        raise Reject("typ_mismatch")
    if "kid" in header:
        cands = [k for k in key_list if k.get("kid") == header["kid"]]
        if not cands and len(key_list) == 1 and "kid" not in key_list[0]:
            cands = key_list
        if not cands:
            raise Reject("unknown_kid")
        if len(cands) > 1:
            raise Reject("ambiguous_key")
        if cands[0].get("_weak"):
            raise Reject("weak_key", "selected key is weak")
        if not compatible(cands[0], alg):
            raise Reject("key_alg_mismatch")
    else:
        cands = [k for k in key_list if compatible(k, alg)]
        if not cands:
            raise Reject("key_alg_mismatch")
        if len(cands) > 1:
            raise Reject("ambiguous_key")
    key = cands[0]
    if key["kty"] == "oct" and len(b64d(key["k"])) < int(alg[2:]) // 8:
        raise Reject("weak_key", "HMAC secret shorter than hash")
    if not verify_sig(alg, key, f"{parts[0]}.{parts[1]}".encode("ascii"), sb):
        raise Reject("bad_signature")
    # claims
    for name in ("exp", "nbf", "iat"):
        if name in payload:
            number(payload[name])
    for name in ("iss", "sub", "jti"):
        if name in payload and not isinstance(payload[name], str):
            raise Reject("invalid_claim", name)
    if "aud" in payload:
        aud = payload["aud"]
        if not (isinstance(aud, str) or (isinstance(aud, list) and aud and all(isinstance(a, str) for a in aud))):
            raise Reject("invalid_claim", "aud")
    required = list(policy.get("require", []))
    if not policy.get("allow_missing_exp"):
        required.append("exp")
    if policy.get("issuer"):
        required.append("iss")
    if policy.get("audience"):
        required.append("aud")
    if "max_age" in policy:
        required.append("iat")
    for name in required:
        if name not in payload:
            raise Reject("missing_claim", name)
    leeway = policy.get("leeway", 0)
    if "exp" in payload and not now < number(payload["exp"]) + leeway:
        raise Reject("expired")
    if "nbf" in payload and not number(payload["nbf"]) <= now + leeway:
        raise Reject("not_yet_valid")
    if "iat" in payload and not number(payload["iat"]) <= now + leeway:
        raise Reject("issued_in_future")
    if "max_age" in policy and number(payload["iat"]) + policy["max_age"] + leeway < now:
        raise Reject("token_too_old")
    if policy.get("issuer") and payload["iss"] not in policy["issuer"]:
        raise Reject("issuer_mismatch")
    if "aud" in payload:
        auds = payload["aud"] if isinstance(payload["aud"], list) else [payload["aud"]]
        if not any(a in policy.get("audience", []) for a in auds):
            raise Reject("audience_mismatch")
    return payload


# ----------------------------------------------------------------------------- case collection

FILES: dict[str, dict] = {}
NAMES: set[str] = set()


def start(file: str, description: str):
    FILES[file] = {"description": description, "cases": []}


def pol(algs, **over) -> dict:
    p = {"algorithms": [algs] if isinstance(algs, str) else list(algs),
         "issuer": [ISS], "audience": [AUD], "leeway": 30}
    for k, v in over.items():
        if v is None:
            p.pop(k, None)
        else:
            p[k] = v
    return p


def add(file, name, rule, description, token, keys, policy, expect, now=VNOW, mutated=False,
        unchecked_sig=None):
    """Record one case after checking it against the reference model and PyJWT.

    expect: "valid" or an error code. mutated: the token is a structural mutation that
    never reaches signature verification. unchecked_sig: reason the signature cannot be
    checked for an invalid case (e.g. the selected key cannot verify this alg at all)."""
    assert re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", name), name
    assert name not in NAMES, f"duplicate name {name}"
    NAMES.add(name)
    try:
        claims = evaluate(token, keys, policy, now)
        got = "valid"
    except Reject as r:
        got, claims = r.code, None
    except RecursionError:
        got, claims = "recursion", None
    assert got == expect, f"{name}: model says {got}, case says {expect}"
    if expect == "valid":
        alg, key_ref = SIGNED[token]
        jwk_pub = pub(key_ref) if isinstance(key_ref, str) else key_ref
        h, p, s = split(token)
        if alg == "Ed25519":  # PyJWS does not know this name; verify with its EdDSA object
            assert pyjwt_verify("EdDSA", jwk_pub, f"{h}.{p}".encode(), b64d(s))
        else:
            pk = b64d(jwk_pub["k"]) if jwk_pub["kty"] == "oct" else jwt.PyJWK(dict(jwk_pub, alg=alg)).key
            jwt.api_jws.PyJWS().decode_complete(token, key=pk, algorithms=[alg])
        out = {"valid": True, "claims": claims}
    else:
        assert expect in CODES, expect
        if expect not in ("bad_signature", "token_too_large") and not mutated and unchecked_sig is None:
            assert token in SIGNED, f"{name}: signature of an invalid case must be checked"
        if token in SIGNED:
            alg, key_ref = SIGNED[token]
            h, p, s = split(token)
            jwk_pub = pub(key_ref) if isinstance(key_ref, str) else key_ref
            assert pyjwt_verify(alg, jwk_pub, f"{h}.{p}".encode(), b64d(s)), name
        out = {"valid": False, "code": expect}
    FILES[file]["cases"].append({
        "name": name, "rule": str(rule), "description": description, "token": token,
        "keys": keys, "policy": policy, "now": now, "expect": out,
    })


def std_hdr(alg: str, kid: str | None = None, **extra) -> dict:
    h = {"alg": alg, "typ": "JWT"}
    if kid:
        h["kid"] = kid
    h.update(extra)
    return h


ALG_KEY = {"HS256": "hs256", "HS384": "hs384", "HS512": "hs512", "RS256": "rsa", "RS384": "rsa",
           "RS512": "rsa", "PS256": "rsa", "PS384": "rsa", "PS512": "rsa", "ES256": "p256",
           "ES384": "p384", "ES512": "p521", "EdDSA": "ed25519", "Ed25519": "ed25519"}
KID = {"hs256": "hs-1", "hs384": "hs384-1", "hs512": "hs512-1", "rsa": "rsa-1", "rsa_b": "rsa-2",
       "p256": "ec-p256-1", "p256_b": "ec-p256-2", "p384": "ec-p384-1", "p521": "ec-p521-1",
       "ed25519": "ed-1", "ed25519_b": "ed-2"}


def std_token(alg="HS256", claims=None, kid=True, **hextra) -> str:
    key = ALG_KEY[alg]
    return make(std_hdr(alg, KID[key] if kid else None, **hextra), STD_CLAIMS if claims is None else claims, key)


def std_keys(alg="HS256") -> dict:
    key = ALG_KEY[alg]
    return jwks(pub(key, kid=KID[key]))


def with_claims(**over) -> dict:
    c = dict(STD_CLAIMS)
    for k, v in over.items():
        if v is None:
            c.pop(k, None)
        else:
            c[k] = v
    return c


def claims_bytes(extra: str) -> bytes:
    """Standard claims as compact JSON with raw JSON text inserted before the closing brace."""
    return jdump(STD_CLAIMS)[:-1] + b"," + extra.encode("utf-8") + b"}"


ALL_ALGS = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
            "ES256", "ES384", "ES512", "EdDSA"]


# ============================================================================ cases

def cases_structure():
    f = "structure.json"
    start(f, "Rule 1: token size and compact structure (three dot-separated segments).")
    t = std_token()
    h, p, s = split(t)
    k, P = std_keys(), pol("HS256")
    add(f, "structure_valid_baseline_hs256", 1, "A well-formed HS256 token with the standard claims is accepted.", t, k, P, "valid")
    add(f, "structure_two_segments", 1, "header.payload without a signature segment is not a JWS.", f"{h}.{p}", k, P, "malformed", mutated=True)
    add(f, "structure_one_segment", 1, "A single segment without dots.", h, k, P, "malformed", mutated=True)
    add(f, "structure_four_segments", 1, "An extra fourth segment.", f"{t}.{s}", k, P, "malformed", mutated=True)
    add(f, "structure_trailing_dot", 1, "A trailing dot makes a fourth (empty) segment.", t + ".", k, P, "malformed", mutated=True)
    jwe = "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGeipsEdY3mx_etLbbWSrFr05kLzcSr4qKAq7YN7e9jwQRb23nfa6c9d-StnImGyFDbSv04uVuxIp5Zms1gNxKKK2Da14B8S4rzVRltdYwam_lDp5XnZAYpQdb76FdIKLaVmqgfwX7XWRxv2322i-vDxRfqNzo_tETKzpVLzfiwQyeyPGLBIO56YJ7eObdv0je81860ppamavo35UgoRdbYaBcoh9QcfylQr66oc6vFWXRcZ_ZT2LawVCWTIy3brGPi6UklfCpIMfIjf7iGdXKHzg.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.XFBoMYUZodetZdvTiFvSkQ"
    add(f, "structure_jwe_five_segments", 1, "A JWE compact serialization (RFC 7516 A.1, 5 segments) is not accepted as a JWS.", jwe, k, P, "malformed", mutated=True)
    add(f, "structure_five_segments_from_jws", 1, "A JWS with two extra segments appended.", f"{t}.{s}.{s}", k, P, "malformed", mutated=True)
    add(f, "structure_bearer_prefix", 1, "The HTTP 'Bearer ' prefix must be stripped by the caller; inside the token it is malformed.", "Bearer " + t, k, P, "malformed", mutated=True)
    add(f, "structure_leading_space", 1, "A leading space.", " " + t, k, P, "malformed", mutated=True)
    add(f, "structure_trailing_space", 1, "A trailing space.", t + " ", k, P, "malformed", mutated=True)
    add(f, "structure_trailing_newline", 1, "A trailing newline.", t + "\n", k, P, "malformed", mutated=True)
    add(f, "structure_trailing_crlf", 1, "A trailing CRLF.", t + "\r\n", k, P, "malformed", mutated=True)
    add(f, "structure_empty_header", 1, "Empty header segment.", make("", STD_CLAIMS, "hs256", "HS256"), k, P, "malformed", mutated=True)
    add(f, "structure_empty_payload", 1, "Empty payload segment (a detached-payload JWS is not a JWT).", make(std_hdr("HS256", "hs-1"), "", "hs256"), k, P, "malformed", mutated=True)
    add(f, "structure_empty_token", 1, "The empty string.", "", k, P, "malformed", mutated=True)
    add(f, "structure_only_dots", 1, "Two dots and nothing else.", "..", k, P, "malformed", mutated=True)
    add(f, "structure_empty_signature_is_bad_signature", 1, "An empty signature segment is structurally allowed and then fails verification.", f"{h}.{p}.", k, P, "bad_signature")
    add(f, "structure_empty_signature_rs256", 1, "An empty RS256 signature fails verification, not parsing.", make(std_hdr("RS256", "rsa-1"), STD_CLAIMS, sig=""), std_keys("RS256"), pol("RS256"), "bad_signature")
    n = len(t)
    add(f, "size_exactly_max_token_bytes", 1, "A token exactly max_token_bytes long is accepted (the limit is inclusive).", t, k, pol("HS256", max_token_bytes=n), "valid")
    add(f, "size_one_over_max_token_bytes", 1, "A valid token one byte longer than max_token_bytes is rejected before parsing.", t, k, pol("HS256", max_token_bytes=n - 1), "token_too_large")
    big = make(std_hdr("HS256", "hs-1"), with_claims(pad="x" * 6200), "hs256")
    assert 8192 < len(big) < 9000
    add(f, "size_default_limit_8192", 1, "A correctly signed token longer than the default 8192 bytes is rejected.", big, k, pol("HS256"), "token_too_large")
    add(f, "size_raised_limit_accepts", 1, "The same token is accepted when max_token_bytes is raised.", big, k, pol("HS256", max_token_bytes=16384), "valid")
    garbage = "!" * 8193
    add(f, "size_checked_before_structure", 1, "8193 bytes of garbage: the size check runs before anything else, so the code is token_too_large, not malformed.", garbage, k, P, "token_too_large", mutated=True)
    add(f, "size_garbage_within_limit_is_malformed", 1, "The same garbage within the limit is malformed.", "!" * 100, k, P, "malformed", mutated=True)


def swap_char(seg: str, frm: str, to: str) -> str:
    i = seg.index(frm)
    return seg[:i] + to + seg[i + 1:]


def tweak_trailing_bits(seg: str) -> str:
    """Change the last character so its unused low bits become non-zero (same bytes for a lax decoder)."""
    alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    rem = len(seg) % 4
    assert rem in (2, 3), seg
    idx = alpha.index(seg[-1])
    unused = 4 if rem == 2 else 2
    assert idx % (1 << unused) == 0
    return seg[:-1] + alpha[idx + 1]


def find_variant(pred, build):
    for i in range(100000):
        out = build(i)
        if pred(out):
            return out
    raise AssertionError("no variant")


def cases_base64():
    f = "base64.json"
    start(f, "Rule 2: every segment is strict base64url (RFC 4648 section 5, no padding, canonical).")
    k, P = std_keys(), pol("HS256")
    hdr = std_hdr("HS256", "hs-1")
    hseg, pseg = b64u(jdump(hdr)), b64u(jdump(STD_CLAIMS))
    # padding: pick headers/payloads whose encodings would need padding
    hpad = std_hdr("HS256", "hs-01")
    assert len(jdump(hpad)) % 3 != 0
    padded_h = b64u(jdump(hpad)) + "=" * (-len(b64u(jdump(hpad))) % 4)
    add(f, "b64_header_padding", 2, "Header segment with '=' padding (signature computed over the padded text).", make(padded_h, STD_CLAIMS, "hs256", "HS256"), k, P, "malformed")
    cl = find_variant(lambda c: len(jdump(c)) % 3 != 0, lambda i: with_claims(jti=f"pad-{i}"))
    pp = b64u(jdump(cl))
    add(f, "b64_payload_padding", 2, "Payload segment with '=' padding.", make(hdr, pp + "=" * (-len(pp) % 4), "hs256"), k, P, "malformed")
    t = std_token()
    h, p, s = split(t)
    assert len(s) == 43
    add(f, "b64_signature_padding", 2, "Signature segment with '=' padding (a lax decoder would accept it).", f"{h}.{p}.{s}=", k, P, "malformed", mutated=True)
    add(f, "b64_signature_double_padding", 2, "Signature segment with '==' padding.", f"{h}.{p}.{s}==", k, P, "malformed", mutated=True)
    # '+' and '/' (standard alphabet) in each segment
    hv = find_variant(lambda d: "_" in b64u(jdump(d)), lambda i: std_hdr("HS256", f"{'x' * (i % 3)}?>~{i}"))
    add(f, "b64_header_standard_alphabet_slash", 2, "Header uses '/' instead of '_' (standard base64, not base64url).", make(swap_char(b64u(jdump(hv)), "_", "/"), STD_CLAIMS, "hs256", "HS256"), k, P, "malformed")
    hv2 = find_variant(lambda d: "-" in b64u(jdump(d)), lambda i: std_hdr("HS256", f"{'y' * (i % 3)}~>?{i}"))
    add(f, "b64_header_standard_alphabet_plus", 2, "Header uses '+' instead of '-'.", make(swap_char(b64u(jdump(hv2)), "-", "+"), STD_CLAIMS, "hs256", "HS256"), k, P, "malformed")
    pv = find_variant(lambda c: "-" in b64u(jdump(c)), lambda i: with_claims(note=f"{'z' * (i % 3)}>>~~{i}"))
    add(f, "b64_payload_standard_alphabet_plus", 2, "Payload uses '+' instead of '-'.", make(hdr, swap_char(b64u(jdump(pv)), "-", "+"), "hs256"), k, P, "malformed")
    pv2 = find_variant(lambda c: "_" in b64u(jdump(c)), lambda i: with_claims(note=f"{'z' * (i % 3)}???{i}"))
    add(f, "b64_payload_standard_alphabet_slash", 2, "Payload uses '/' instead of '_'.", make(hdr, swap_char(b64u(jdump(pv2)), "_", "/"), "hs256"), k, P, "malformed")
    sv = find_variant(lambda tok: "-" in split(tok)[2], lambda i: std_token(claims=with_claims(jti=f"sig-plus-{i}")))
    sh, sp, ss = split(sv)
    add(f, "b64_signature_standard_alphabet_plus", 2, "Signature uses '+' instead of '-' (same bytes under a lax decoder).", f"{sh}.{sp}.{swap_char(ss, '-', '+')}", k, P, "malformed", mutated=True)
    sv = find_variant(lambda tok: "_" in split(tok)[2], lambda i: std_token(claims=with_claims(jti=f"sig-slash-{i}")))
    sh, sp, ss = split(sv)
    add(f, "b64_signature_standard_alphabet_slash", 2, "Signature uses '/' instead of '_'.", f"{sh}.{sp}.{swap_char(ss, '_', '/')}", k, P, "malformed", mutated=True)
    # whitespace inside segments
    add(f, "b64_header_inner_space", 2, "A space inside the header segment.", make(hseg[:10] + " " + hseg[10:], pseg, "hs256", "HS256"), k, P, "malformed", mutated=True)
    add(f, "b64_payload_inner_newline", 2, "A line break inside the payload segment (PEM-style wrapping).", make(hseg, pseg[:40] + "\n" + pseg[40:], "hs256", "HS256"), k, P, "malformed", mutated=True)
    add(f, "b64_payload_inner_tab", 2, "A tab inside the payload segment.", make(hseg, pseg[:12] + "\t" + pseg[12:], "hs256", "HS256"), k, P, "malformed", mutated=True)
    add(f, "b64_signature_inner_space", 2, "A space inside the signature segment.", f"{h}.{p}.{s[:20]} {s[20:]}", k, P, "malformed", mutated=True)
    add(f, "b64_header_non_ascii", 2, "A non-ASCII letter inside the header segment.", f"{hseg[:5]}\u00e9{hseg[5:]}.{pseg}.{s}", k, P, "malformed", mutated=True)
    add(f, "b64_payload_invalid_char_star", 2, "'*' inside the payload segment.", make(hseg, pseg[:8] + "*" + pseg[9:], "hs256", "HS256"), k, P, "malformed")
    add(f, "b64_signature_invalid_char_bang", 2, "'!' at the end of the signature segment.", f"{h}.{p}.{s[:-1]}!", k, P, "malformed", mutated=True)
    # length % 4 == 1
    assert len(hseg) % 4 in (0, 2, 3)
    h1 = find_variant(lambda d: len(b64u(jdump(d))) % 4 == 0, lambda i: std_hdr("HS256", "k" * (i + 1)))
    hs1 = b64u(jdump(h1)) + "A"
    assert len(hs1) % 4 == 1
    add(f, "b64_header_length_mod4_is_1", 2, "A header segment whose length is 1 mod 4 cannot be base64.", make(hs1, STD_CLAIMS, "hs256", "HS256"), k, P, "malformed")
    p1 = find_variant(lambda c: len(b64u(jdump(c))) % 4 == 0, lambda i: with_claims(jti=f"len-{i}"))
    add(f, "b64_payload_length_mod4_is_1", 2, "A payload segment whose length is 1 mod 4.", make(hdr, b64u(jdump(p1)) + "Q", "hs256"), k, P, "malformed")
    add(f, "b64_signature_length_mod4_is_1", 2, "A 45-character signature segment (length 1 mod 4).", f"{h}.{p}.{s}AA", k, P, "malformed", mutated=True)
    # non-zero trailing bits
    ht = find_variant(lambda d: len(b64u(jdump(d))) % 4 in (2, 3), lambda i: std_hdr("HS256", "h" * (i + 1)))
    add(f, "b64_header_nonzero_trailing_bits", 2, "Last header character changed so the unused low bits are non-zero; a lax decoder yields the same bytes. The signature covers the text as presented.", make(tweak_trailing_bits(b64u(jdump(ht))), STD_CLAIMS, "hs256", "HS256"), k, P, "malformed")
    pt = find_variant(lambda c: len(b64u(jdump(c))) % 4 == 2, lambda i: with_claims(jti=f"bits-{i}"))
    add(f, "b64_payload_nonzero_trailing_bits_rem2", 2, "Payload segment (length 2 mod 4) with non-zero unused bits in the last character.", make(hdr, tweak_trailing_bits(b64u(jdump(pt))), "hs256"), k, P, "malformed")
    pt = find_variant(lambda c: len(b64u(jdump(c))) % 4 == 3, lambda i: with_claims(jti=f"bits-{i}"))
    add(f, "b64_payload_nonzero_trailing_bits_rem3", 2, "Payload segment (length 3 mod 4) with non-zero unused bits in the last character.", make(hdr, tweak_trailing_bits(b64u(jdump(pt))), "hs256"), k, P, "malformed")
    add(f, "b64_signature_nonzero_trailing_bits", 2, "HS256 signature (43 chars) whose last character carries non-zero unused bits: same bytes, so a lax verifier would accept it.", f"{h}.{p}.{tweak_trailing_bits(s)}", k, P, "malformed", mutated=True)
    es = std_token("ES256")
    eh, ep, esig = split(es)
    assert len(esig) == 86
    add(f, "b64_es256_signature_nonzero_trailing_bits", 2, "ES256 signature (86 chars) with non-zero unused bits in the last character.", f"{eh}.{ep}.{tweak_trailing_bits(esig)}", std_keys("ES256"), pol("ES256"), "malformed", mutated=True)


def cases_json():
    f = "json.json"
    start(f, "Rule 3: header and payload are strict RFC 8259 JSON objects in UTF-8; member names are unique in every object.")
    k, P = std_keys(), pol("HS256")
    hdr = std_hdr("HS256", "hs-1")
    hb, cb = jdump(hdr), jdump(STD_CLAIMS)

    def pay(b: bytes):
        return make(hdr, b, "hs256")

    def head(b: bytes):
        return make(b, STD_CLAIMS, "hs256", "HS256")

    add(f, "json_header_bom", 3, "UTF-8 byte order mark before the header object.", head(b"\xef\xbb\xbf" + hb), k, P, "malformed")
    add(f, "json_payload_bom", 3, "UTF-8 byte order mark before the payload object.", pay(b"\xef\xbb\xbf" + cb), k, P, "malformed")
    add(f, "json_payload_utf16", 3, "Payload encoded as UTF-16LE.", pay(json.dumps(STD_CLAIMS).encode("utf-16-le")), k, P, "malformed")
    add(f, "json_payload_block_comment", 3, "A /* comment */ in the payload.", pay(cb[:-1] + b',/* c */"x":1}'), k, P, "malformed")
    add(f, "json_payload_line_comment", 3, "A // comment in the payload.", pay(cb[:-1] + b'//c\n}'), k, P, "malformed")
    add(f, "json_header_trailing_comma", 3, "Trailing comma in the header object.", head(hb[:-1] + b",}"), k, P, "malformed")
    add(f, "json_payload_trailing_comma", 3, "Trailing comma in the payload object.", pay(cb[:-1] + b",}"), k, P, "malformed")
    add(f, "json_payload_array_trailing_comma", 3, "Trailing comma in an array claim.", pay(claims_bytes('"roles":["a","b",]')), k, P, "malformed")
    add(f, "json_payload_nan", 3, "NaN is not JSON.", pay(claims_bytes('"score":NaN')), k, P, "malformed")
    add(f, "json_payload_infinity", 3, "Infinity is not JSON.", pay(claims_bytes('"score":Infinity')), k, P, "malformed")
    add(f, "json_payload_negative_infinity", 3, "-Infinity is not JSON.", pay(claims_bytes('"score":-Infinity')), k, P, "malformed")
    add(f, "json_payload_raw_control_char", 3, "A raw U+0001 inside a string.", pay(claims_bytes('"note":"a\x01b"')), k, P, "malformed")
    add(f, "json_payload_raw_newline_in_string", 3, "A raw line feed inside a string.", pay(claims_bytes('"note":"a\nb"')), k, P, "malformed")
    add(f, "json_payload_raw_tab_in_string", 3, "A raw tab inside a string.", pay(claims_bytes('"note":"a\tb"')), k, P, "malformed")
    add(f, "json_payload_lone_high_surrogate", 3, "A lone high surrogate escape \\ud800.", pay(claims_bytes('"note":"\\ud800"')), k, P, "malformed")
    add(f, "json_payload_lone_low_surrogate", 3, "A lone low surrogate escape \\udc00.", pay(claims_bytes('"note":"\\udc00"')), k, P, "malformed")
    add(f, "json_payload_reversed_surrogates", 3, "Low then high surrogate escapes.", pay(claims_bytes('"note":"\\ude00\\ud83d"')), k, P, "malformed")
    add(f, "json_payload_high_surrogate_then_letter", 3, "High surrogate escape followed by a plain character.", pay(claims_bytes('"note":"\\ud83dx"')), k, P, "malformed")
    add(f, "json_payload_surrogate_pair_ok", 3, "A correctly paired surrogate escape (U+1F600) is accepted.", pay(claims_bytes('"note":"\\ud83d\\ude00"')), k, P, "valid")
    add(f, "json_payload_raw_utf8_ok", 3, "Raw multi-byte UTF-8 in a string is accepted.", pay(claims_bytes('"name":"Zo\u00eb \u65e5\u672c \U0001f600"')), k, P, "valid")
    add(f, "json_payload_overlong_utf8", 3, "Overlong UTF-8 encoding of '/' (C0 AF).", pay(cb[:-1] + b',"note":"a\xc0\xafb"}'), k, P, "malformed")
    add(f, "json_payload_utf8_encoded_surrogate", 3, "A UTF-16 surrogate encoded in UTF-8 (ED A0 80, CESU-8 style).", pay(cb[:-1] + b',"note":"\xed\xa0\x80"}'), k, P, "malformed")
    add(f, "json_payload_truncated_utf8", 3, "A truncated 3-byte UTF-8 sequence (E2 82) before the closing quote.", pay(cb[:-1] + b',"note":"\xe2\x82"}'), k, P, "malformed")
    add(f, "json_payload_invalid_byte_ff", 3, "The byte FF never appears in UTF-8.", pay(cb[:-1] + b',"note":"\xff"}'), k, P, "malformed")
    add(f, "json_payload_latin1", 3, "Latin-1 encoded e-acute (E9) is not UTF-8.", pay(cb[:-1] + b',"name":"Zo\xeb"}'), k, P, "malformed")
    add(f, "json_header_invalid_utf8_in_name", 3, "Invalid UTF-8 in a header member name.", head(hb[:-1] + b',"x\xc3":1}'), k, P, "malformed")
    add(f, "json_payload_trailing_garbage", 3, "Garbage after the payload object.", pay(cb + b"x"), k, P, "malformed")
    add(f, "json_payload_second_object", 3, "A second object after the payload object.", pay(cb + b"{}"), k, P, "malformed")
    add(f, "json_header_trailing_garbage", 3, "Garbage after the header object.", head(hb + b"]"), k, P, "malformed")
    add(f, "json_payload_nul_after_object", 3, "A NUL byte after the payload object.", pay(cb + b"\x00"), k, P, "malformed")
    add(f, "json_payload_surrounding_whitespace_ok", 3, "RFC 8259 whitespace (space, tab, CR, LF) around and inside the object is accepted.", pay(b" \r\n\t" + jdump(STD_CLAIMS).replace(b",", b" ,\r\n ") + b"\n "), k, P, "valid")
    add(f, "json_header_is_array", 3, "Header is a JSON array, not an object.", head(b'["HS256"]'), k, P, "malformed")
    add(f, "json_header_is_string", 3, "Header is a JSON string.", head(b'"HS256"'), k, P, "malformed")
    add(f, "json_header_is_null", 3, "Header is null.", head(b"null"), k, P, "malformed")
    add(f, "json_header_empty_object_no_alg", 3, "Header is {} (no alg).", head(b"{}"), k, P, "malformed")
    add(f, "json_payload_is_array", 3, "Payload is a JSON array.", pay(b'[{"sub":"user-1234"}]'), k, P, "malformed")
    add(f, "json_payload_is_string", 3, "Payload is a JSON string.", pay(b'"user-1234"'), k, P, "malformed")
    add(f, "json_payload_is_number", 3, "Payload is a JSON number.", pay(b"1800000900"), k, P, "malformed")
    add(f, "json_payload_not_json", 3, "Payload is plain text.", pay(b"hello"), k, P, "malformed")
    add(f, "json_payload_truncated", 3, "Payload object is not closed.", pay(cb[:-1]), k, P, "malformed")
    add(f, "json_payload_single_quotes", 3, "Single-quoted strings are not JSON.", pay(cb[:-1] + b",'x':'y'}"), k, P, "malformed")
    add(f, "json_payload_unquoted_name", 3, "Unquoted member names are not JSON.", pay(cb[:-1] + b",x:1}"), k, P, "malformed")
    add(f, "json_payload_bad_escape", 3, "\\x41 is not a JSON escape.", pay(claims_bytes('"note":"\\x41"')), k, P, "malformed")
    add(f, "json_payload_short_unicode_escape", 3, "\\u with fewer than four hex digits.", pay(claims_bytes('"note":"\\u12"')), k, P, "malformed")
    add(f, "json_payload_leading_zero_number", 3, "A number with a leading zero (0123).", pay(claims_bytes('"n":0123')), k, P, "malformed")
    add(f, "json_payload_plus_sign_number", 3, "A number with a leading '+'.", pay(claims_bytes('"n":+1')), k, P, "malformed")
    add(f, "json_payload_bare_fraction_number", 3, "A number starting with '.'.", pay(claims_bytes('"n":.5')), k, P, "malformed")
    add(f, "json_payload_trailing_dot_number", 3, "A number ending with '.'.", pay(claims_bytes('"n":1.')), k, P, "malformed")
    add(f, "json_payload_hex_number", 3, "A hexadecimal number.", pay(claims_bytes('"n":0x10')), k, P, "malformed")
    add(f, "json_payload_capitalised_literal", 3, "True is not a JSON literal.", pay(claims_bytes('"admin":True')), k, P, "malformed")
    add(f, "json_payload_exponent_number_ok", 3, "exp written as 1.8000009e9 is the same number and accepted.", pay(jdump(with_claims(exp=None))[:-1] + b',"exp":1.8000009e9}'), k, P, "valid")
    # duplicates
    add(f, "dup_header_alg_same_value", 3, "alg appears twice in the header with the same value.", head(b'{"alg":"HS256","typ":"JWT","alg":"HS256"}'), k, P, "duplicate_member")
    add(f, "dup_header_alg_none_then_hs256", 3, "alg appears twice: none, then HS256 (last-wins parsers would verify HS256).", head(b'{"alg":"none","kid":"hs-1","alg":"HS256"}'), k, P, "duplicate_member")
    add(f, "dup_header_escaped_alg", 3, "alg and \\u0061lg are the same name after unescaping.", head(b'{"alg":"HS256","kid":"hs-1","\\u0061lg":"HS256"}'), k, P, "duplicate_member")
    add(f, "dup_header_kid", 3, "kid appears twice in the header.", head(b'{"alg":"HS256","kid":"hs-1","kid":"other"}'), k, P, "duplicate_member")
    add(f, "dup_payload_exp", 3, "exp appears twice in the payload.", pay(cb[:-1] + b',"exp":1900000000}'), k, P, "duplicate_member")
    add(f, "dup_payload_escaped_exp", 3, "exp and \\u0065xp are duplicates after unescaping.", pay(cb[:-1] + b',"\\u0065xp":1900000000}'), k, P, "duplicate_member")
    add(f, "dup_payload_both_escaped_differently", 3, "\\u0065xp and e\\u0078p are the same name.", pay(jdump(with_claims(exp=None))[:-1] + b',"\\u0065xp":1800000900,"e\\u0078p":1800000900}'), k, P, "duplicate_member")
    add(f, "dup_payload_sub", 3, "sub appears twice (privilege confusion between parsers).", pay(cb[:-1] + b',"sub":"admin"}'), k, P, "duplicate_member")
    add(f, "dup_payload_nested_object", 3, "Duplicate names inside a nested object claim.", pay(claims_bytes('"ctx":{"role":"user","role":"admin"}')), k, P, "duplicate_member")
    add(f, "dup_payload_nested_escaped", 3, "Escaped duplicate inside an object within an array claim.", pay(claims_bytes('"list":[{"x":1,"\\u0078":2}]')), k, P, "duplicate_member")
    add(f, "dup_names_in_sibling_objects_ok", 3, "The same name in two different objects is not a duplicate.", pay(claims_bytes('"a":{"x":1},"b":{"x":2}')), k, P, "valid")
    add(f, "dup_case_differs_ok", 3, "Names differing only by case are distinct (exp and EXP).", pay(claims_bytes('"EXP":1')), k, P, "valid")
    add(f, "escaped_registered_name_counts", 3, "A claim name written with escapes (\\u0065xp) IS exp after unescaping and is enforced: here it is in the past.", pay(jdump(with_claims(exp=None))[:-1] + b',"\\u0065xp":1700000000}'), k, P, "expired")
    add(f, "escaped_registered_name_valid", 3, "An escaped exp name in the future is honoured and the token accepted.", pay(jdump(with_claims(exp=None))[:-1] + b',"\\u0065xp":1800000900}'), k, P, "valid")
    # depth
    def nest(depth):
        return "[" * depth + "1" + "]" * depth
    add(f, "depth_32_in_claim_ok", 3, "A claim nested 32 arrays deep (33 levels counting the payload object) is accepted.", pay(claims_bytes('"deep":' + nest(32))), k, P, "valid")
    add(f, "depth_64_total_ok", 3, "Nesting of exactly 64 levels (payload object = level 1, claim 63 arrays deep) is accepted.", pay(claims_bytes('"deep":' + nest(63))), k, P, "valid")
    add(f, "depth_65_total_rejected", 3, "Nesting of 65 levels (payload object = level 1) is rejected.", pay(claims_bytes('"deep":' + nest(64))), k, P, "malformed")
    add(f, "depth_objects_65_rejected", 3, "65 levels of nested objects.", pay(claims_bytes('"deep":' + '{"a":' * 64 + "1" + "}" * 64)), k, P, "malformed")
    deep = pay(claims_bytes('"deep":' + nest(10000)))
    assert len(deep) < 100000
    add(f, "depth_10000_rejected", 3, "10000-deep nesting is rejected without exhausting the stack (limit raised so size is not the reason).", deep, k, pol("HS256", max_token_bytes=100000), "malformed")
    add(f, "json_escaped_nul_in_claim_ok", 3, "An escaped NUL (\\u0000) inside a string claim is fine.", pay(jdump(with_claims(sub=None))[:-1] + b',"sub":"user\\u00001234"}'), k, P, "valid")
    add(f, "json_escaped_solidus_ok", 3, "The escaped solidus \\/ is valid JSON and unescapes to '/'.", pay(jdump(with_claims(iss=None))[:-1] + b',"iss":"https:\\/\\/auth.example.com\\/"}'), k, P, "valid")
    add(f, "json_raw_nul_in_string", 3, "A raw NUL byte inside a string is a control character.", pay(cb[:-1] + b',"note":"a\x00b"}'), k, P, "malformed")


def register(token: str, alg: str, key: str) -> str:
    """Mark a hand-assembled token as correctly signed after checking it with PyJWT."""
    h, p, s = split(token)
    assert pyjwt_verify(alg, pub(key), f"{h}.{p}".encode(), b64d(s)), (alg, key)
    SIGNED[token] = (alg, key)
    return token


def cases_header():
    f = "header.json"
    start(f, "Rule 6 (and header member types): alg/kid/typ types, crit, b64, cty, pinned typ, ignored members.")
    k, P = std_keys(), pol("HS256")

    def head(h: dict, alg="HS256"):
        return make(h, STD_CLAIMS, "hs256", alg)

    add(f, "header_alg_missing", 6, "A header without alg.", head({"typ": "JWT", "kid": "hs-1"}), k, P, "malformed")
    add(f, "header_alg_number", 6, "alg is a number.", head({"alg": 256, "kid": "hs-1"}), k, P, "malformed")
    add(f, "header_alg_null", 6, "alg is null.", head({"alg": None, "kid": "hs-1"}), k, P, "malformed")
    add(f, "header_alg_array", 6, "alg is an array holding an allowed name.", head({"alg": ["HS256"], "kid": "hs-1"}), k, P, "malformed")
    add(f, "header_alg_object", 6, "alg is an object.", head({"alg": {"name": "HS256"}, "kid": "hs-1"}), k, P, "malformed")
    add(f, "header_kid_number", 5, "kid is a number.", head({"alg": "HS256", "kid": 1}), k, P, "malformed")
    add(f, "header_kid_null", 5, "kid is null.", head({"alg": "HS256", "kid": None}), k, P, "malformed")
    add(f, "header_kid_array", 5, "kid is an array.", head({"alg": "HS256", "kid": ["hs-1"]}), k, P, "malformed")
    add(f, "header_typ_number", 6, "typ is a number.", head({"alg": "HS256", "typ": 1, "kid": "hs-1"}), k, P, "malformed")
    add(f, "header_typ_null", 6, "typ is null.", head({"alg": "HS256", "typ": None, "kid": "hs-1"}), k, P, "malformed")
    add(f, "header_crit_exp", 6, "crit naming a header parameter that is present.", head({"alg": "HS256", "kid": "hs-1", "crit": ["exp"], "exp": 1800000900}), k, P, "unsupported_crit")
    add(f, "header_crit_empty_array", 6, "crit: [] (itself invalid per RFC 7515) is rejected like any crit.", head({"alg": "HS256", "kid": "hs-1", "crit": []}), k, P, "unsupported_crit")
    add(f, "header_crit_b64", 6, "crit [\"b64\"] with b64 false (RFC 7797 unencoded payload) is unsupported.", head({"alg": "HS256", "kid": "hs-1", "b64": False, "crit": ["b64"]}), k, P, "unsupported_crit")
    add(f, "header_crit_b64_true", 6, "crit [\"b64\"] with b64 true is still unsupported.", head({"alg": "HS256", "kid": "hs-1", "b64": True, "crit": ["b64"]}), k, P, "unsupported_crit")
    add(f, "header_crit_unknown_extension", 6, "crit naming a private extension.", head({"alg": "HS256", "kid": "hs-1", "crit": ["x-ext"], "x-ext": 1}), k, P, "unsupported_crit")
    add(f, "header_crit_string", 6, "crit with a non-array value is still crit.", head({"alg": "HS256", "kid": "hs-1", "crit": "exp"}), k, P, "unsupported_crit")
    add(f, "header_crit_null", 6, "crit: null is present, so rejected.", head({"alg": "HS256", "kid": "hs-1", "crit": None}), k, P, "unsupported_crit")
    add(f, "header_b64_false_without_crit", 6, "b64 without crit is invalid (RFC 7797 section 6).", head({"alg": "HS256", "kid": "hs-1", "b64": False}), k, P, "malformed")
    add(f, "header_b64_true_without_crit", 6, "b64 true without crit is also rejected (present with any value).", head({"alg": "HS256", "kid": "hs-1", "b64": True}), k, P, "malformed")
    add(f, "header_cty_jwt", 6, "cty JWT marks a nested JWT, which is not accepted.", head({"alg": "HS256", "kid": "hs-1", "cty": "JWT"}), k, P, "nested_jwt")
    add(f, "header_cty_jwt_lowercase", 6, "cty is compared ASCII case-insensitively: jwt.", head({"alg": "HS256", "kid": "hs-1", "cty": "jwt"}), k, P, "nested_jwt")
    add(f, "header_cty_jwt_mixed_case", 6, "cty Jwt.", head({"alg": "HS256", "kid": "hs-1", "cty": "Jwt"}), k, P, "nested_jwt")
    add(f, "header_cty_other_ignored", 6, "Any other cty value is ignored.", head({"alg": "HS256", "kid": "hs-1", "cty": "json"}), k, P, "valid")
    add(f, "header_unknown_member_ignored", 6, "Unknown header members are ignored.", head({"alg": "HS256", "kid": "hs-1", "x-trace": {"a": [1, 2]}}), k, P, "valid")
    add(f, "header_typ_jwt_not_pinned", 6, "typ JWT with no pinned typ in the policy.", head({"alg": "HS256", "typ": "JWT", "kid": "hs-1"}), k, P, "valid")
    add(f, "header_typ_anything_not_pinned", 6, "Any typ string is accepted when the policy pins none.", head({"alg": "HS256", "typ": "secevent+jwt", "kid": "hs-1"}), k, P, "valid")
    PT = pol("HS256", typ="at+jwt")
    for name, typ, exp_ in [("exact", "at+jwt", "valid"), ("application_prefix", "application/at+jwt", "valid"),
                            ("uppercase", "AT+JWT", "valid"), ("mixed_case_prefix", "Application/At+Jwt", "valid")]:
        add(f, f"typ_pinned_{name}", 6, f"Policy typ at+jwt, header typ {typ!r}: equal after ASCII case folding and dropping 'application/'.", head({"alg": "HS256", "typ": typ, "kid": "hs-1"}), k, PT, exp_)
    add(f, "typ_pinned_policy_prefix", 6, "Policy typ application/at+jwt, header typ at+jwt: the prefix is ignored on both sides.", head({"alg": "HS256", "typ": "at+jwt", "kid": "hs-1"}), k, pol("HS256", typ="application/at+jwt"), "valid")
    add(f, "typ_pinned_jwt_rejected", 6, "Policy typ at+jwt, header typ JWT (an ID token or other JWT replayed as an access token).", head({"alg": "HS256", "typ": "JWT", "kid": "hs-1"}), k, PT, "typ_mismatch")
    add(f, "typ_pinned_absent_rejected", 6, "Policy typ at+jwt, header without typ.", head({"alg": "HS256", "kid": "hs-1"}), k, PT, "typ_mismatch")
    add(f, "typ_pinned_trailing_space", 6, "Policy typ at+jwt, header typ 'at+jwt ' (no trimming).", head({"alg": "HS256", "typ": "at+jwt ", "kid": "hs-1"}), k, PT, "typ_mismatch")
    add(f, "typ_pinned_double_prefix", 6, "Policy typ at+jwt, header typ application/application/at+jwt (the prefix is removed once).", head({"alg": "HS256", "typ": "application/application/at+jwt", "kid": "hs-1"}), k, PT, "typ_mismatch")


def cases_algorithms():
    f = "algorithms.json"
    start(f, "Rule 4: the alg allow-list (exact, case-sensitive) and key/alg compatibility; one valid token per supported alg.")
    for alg in ALL_ALGS:
        add(f, f"valid_{alg.lower()}", 4, f"A correctly signed {alg} token with the standard claims and a kid-selected key.", std_token(alg), std_keys(alg), pol(alg), "valid")
    for alg in ["RS256", "ES256", "EdDSA", "HS512"]:
        add(f, f"valid_{alg.lower()}_no_kid", 4, f"{alg} without kid: the only compatible key is used.", std_token(alg, kid=False), std_keys(alg), pol(alg), "valid")
    add(f, "valid_ed25519_alg_name", 4, "alg \"Ed25519\" (fully-specified name) is accepted when the policy lists it.", make(std_hdr("Ed25519", "ed-1"), STD_CLAIMS, "ed25519"), std_keys("EdDSA"), pol("Ed25519"), "valid")
    add(f, "ed25519_name_not_in_policy", 4, "alg \"Ed25519\" when the policy lists only EdDSA.", make(std_hdr("Ed25519", "ed-1"), STD_CLAIMS, "ed25519"), std_keys("EdDSA"), pol("EdDSA"), "alg_not_allowed")
    add(f, "eddsa_name_not_in_policy", 4, "alg EdDSA when the policy lists only Ed25519.", std_token("EdDSA"), std_keys("EdDSA"), pol("Ed25519"), "alg_not_allowed")
    add(f, "ed25519_name_jwk_alg_eddsa", 4, "JWK alg EdDSA does not equal token alg Ed25519.", make(std_hdr("Ed25519", "ed-1"), STD_CLAIMS, "ed25519"), jwks(pub("ed25519", kid="ed-1", alg="EdDSA")), pol(["EdDSA", "Ed25519"]), "key_alg_mismatch")
    add(f, "valid_policy_with_several_algs", 4, "The policy allows RS256 and ES256; an ES256 token is accepted.", std_token("ES256"), jwks(pub("rsa", kid="rsa-1"), pub("p256", kid="ec-p256-1")), pol(["RS256", "ES256"]), "valid")
    k, P = std_keys(), pol("HS256")
    h, p, s = split(std_token())
    claims_seg = b64u(jdump(STD_CLAIMS))
    for alg_name in ["none", "None", "NONE", "nOnE"]:
        add(f, f"alg_{alg_name.lower()}_{'lower' if alg_name == 'none' else 'upper' if alg_name == 'NONE' else 'title' if alg_name == 'None' else 'mixed'}_empty_signature", 4,
            f"alg {alg_name!r} with an empty signature is never allowed.", make({"alg": alg_name, "typ": "JWT"}, STD_CLAIMS, sig=""), k, P, "alg_not_allowed", unchecked_sig="unsecured JWS")
    add(f, "alg_none_with_hs256_signature", 4, "alg none carrying a valid HS256 signature over the segments.", make({"alg": "none", "kid": "hs-1"}, STD_CLAIMS, "hs256", "HS256"), k, P, "alg_not_allowed")
    add(f, "alg_none_policy_lists_none_elsewhere", 4, "alg none with an empty signature and an RS256-only policy.", make({"alg": "none"}, STD_CLAIMS, sig=""), std_keys("RS256"), pol("RS256"), "alg_not_allowed", unchecked_sig="unsecured JWS")
    add(f, "alg_not_in_policy", 4, "A correctly signed RS256 token when the policy allows only ES256.", std_token("RS256"), jwks(pub("rsa", kid="rsa-1"), pub("p256", kid="ec-p256-1")), pol("ES256"), "alg_not_allowed")
    add(f, "alg_hs256_when_policy_rs256", 4, "HS256 token when only RS256 is allowed.", std_token("HS256"), jwks(pub("hs256", kid="hs-1"), pub("rsa", kid="rsa-1")), pol("RS256"), "alg_not_allowed")
    for variant in ["hs256", "Hs256", "HS256 ", " HS256", "HS-256", "HS1024", "ES256K", "", "HS256\u0000"]:
        slug = {"hs256": "lowercase", "Hs256": "mixed_case", "HS256 ": "trailing_space", " HS256": "leading_space",
                "HS-256": "hyphen", "HS1024": "unknown_hs1024", "ES256K": "es256k", "": "empty_string",
                "HS256\u0000": "embedded_nul"}[variant]
        add(f, f"alg_variant_{slug}", 4, f"alg {variant!r} is not an exact, case-sensitive member of [\"HS256\"].",
            make({"alg": variant, "kid": "hs-1"}, STD_CLAIMS, "hs256", "HS256"), k, P, "alg_not_allowed")
    # algorithm confusion: RSA public key bytes used as an HMAC secret
    rsa_pub = private_key("rsa").public_key()
    for fmt, blob in [("pem", rsa_pub.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)),
                      ("der", rsa_pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))]:
        for with_kid in (False, True):
            hdr = {"alg": "HS256", "typ": "JWT", **({"kid": "rsa-1"} if with_kid else {})}
            hs, ps = b64u(jdump(hdr)), claims_seg
            mac = hmac.new(blob, f"{hs}.{ps}".encode(), hashlib.sha256).digest()
            add(f, f"alg_confusion_rsa_{fmt}_as_hmac_secret{'_with_kid' if with_kid else ''}", 4,
                f"HS256 token MACed with the RSA public key's {fmt.upper()} bytes; the key set holds only that RSA key and the policy allows RS256 and HS256. An RSA key is never an HMAC secret.",
                make(hdr, STD_CLAIMS, sig=mac), jwks(pub("rsa", kid="rsa-1")), pol(["RS256", "HS256"]), "key_alg_mismatch",
                unchecked_sig="HMAC over the RSA public key bytes; no HMAC key exists in the set")
    # JWK members restricting use
    add(f, "jwk_alg_mismatch_rs256_key_rs384_token", 4, "JWK alg RS256 does not permit an RS384 token.", std_token("RS384"), jwks(pub("rsa", kid="rsa-1", alg="RS256")), pol("RS384"), "key_alg_mismatch")
    add(f, "jwk_alg_rs256_used_for_ps256", 4, "An RSA key declared alg RS256 must not verify PS256 (signature is a valid PS256 signature by that key).", std_token("PS256"), jwks(pub("rsa", kid="rsa-1", alg="RS256")), pol(["RS256", "PS256"]), "key_alg_mismatch")
    add(f, "jwk_alg_matches", 4, "JWK alg PS256 with a PS256 token.", std_token("PS256"), jwks(pub("rsa", kid="rsa-1", alg="PS256")), pol("PS256"), "valid")
    add(f, "jwk_alg_hs256_oct", 4, "oct JWK with alg HS256 and an HS256 token.", std_token(), jwks(pub("hs256", kid="hs-1", alg="HS256")), P, "valid")
    add(f, "jwk_alg_hs256_oct_hs512_token", 4, "oct JWK declared HS256 used with HS512 (the secret is 64 bytes, strong enough).", std_token("HS512"), jwks(pub("hs512", kid="hs512-1", alg="HS256")), pol("HS512"), "key_alg_mismatch")
    add(f, "jwk_use_enc_with_kid", 4, "kid selects a key with use enc.", std_token("RS256"), jwks(pub("rsa", kid="rsa-1", use="enc")), pol("RS256"), "key_alg_mismatch")
    add(f, "jwk_use_enc_without_kid", 4, "No kid; the only RSA key has use enc, so no compatible key.", std_token("RS256", kid=False), jwks(pub("rsa", kid="rsa-1", use="enc")), pol("RS256"), "key_alg_mismatch")
    add(f, "jwk_use_sig", 4, "use sig is fine.", std_token("RS256"), jwks(pub("rsa", kid="rsa-1", use="sig")), pol("RS256"), "valid")
    add(f, "jwk_key_ops_encrypt_only", 4, "key_ops [\"encrypt\"] lacks verify.", std_token("RS256"), jwks(pub("rsa", kid="rsa-1", key_ops=["encrypt"])), pol("RS256"), "key_alg_mismatch")
    add(f, "jwk_key_ops_sign_only", 4, "key_ops [\"sign\"] lacks verify.", std_token("ES256"), jwks(pub("p256", kid="ec-p256-1", key_ops=["sign"])), pol("ES256"), "key_alg_mismatch")
    add(f, "jwk_key_ops_empty", 4, "key_ops [] lacks verify.", std_token("ES256"), jwks(pub("p256", kid="ec-p256-1", key_ops=[])), pol("ES256"), "key_alg_mismatch")
    add(f, "jwk_key_ops_sign_verify", 4, "key_ops [\"sign\",\"verify\"] contains verify.", std_token("ES256"), jwks(pub("p256", kid="ec-p256-1", key_ops=["sign", "verify"])), pol("ES256"), "valid")
    add(f, "ec_p256_key_for_es384", 4, "kid selects a P-256 key for an ES384 token (signed by a P-384 key).", make(std_hdr("ES384", "ec-p256-1"), STD_CLAIMS, "p384"), jwks(pub("p256", kid="ec-p256-1")), pol("ES384"), "key_alg_mismatch", unchecked_sig="the P-256 key cannot verify ES384 at all")
    add(f, "ec_p384_key_for_es256", 4, "kid selects a P-384 key for an ES256 token.", make(std_hdr("ES256", "ec-p384-1"), STD_CLAIMS, "p256"), jwks(pub("p384", kid="ec-p384-1")), pol("ES256"), "key_alg_mismatch", unchecked_sig="the P-384 key cannot verify ES256")
    add(f, "ec_p521_key_for_es256_no_kid", 4, "No kid; the only EC key is P-521 and the token is ES256.", make(std_hdr("ES256"), STD_CLAIMS, "p256"), jwks(pub("p521", kid="ec-p521-1")), pol("ES256"), "key_alg_mismatch", unchecked_sig="the P-521 key cannot verify ES256")
    add(f, "rsa_key_for_es256", 4, "kid selects an RSA key for an ES256 token.", make(std_hdr("ES256", "rsa-1"), STD_CLAIMS, "p256"), jwks(pub("rsa", kid="rsa-1")), pol("ES256"), "key_alg_mismatch", unchecked_sig="an RSA key cannot verify ES256")
    add(f, "oct_key_for_rs256", 4, "kid selects an oct key for an RS256 token.", make(std_hdr("RS256", "hs-1"), STD_CLAIMS, "rsa"), jwks(pub("hs256", kid="hs-1")), pol("RS256"), "key_alg_mismatch", unchecked_sig="an oct key cannot verify RS256")
    add(f, "ed25519_key_for_es256", 4, "kid selects an Ed25519 key for an ES256 token.", make(std_hdr("ES256", "ed-1"), STD_CLAIMS, "p256"), jwks(pub("ed25519", kid="ed-1")), pol("ES256"), "key_alg_mismatch", unchecked_sig="an OKP key cannot verify ES256")
    add(f, "x25519_key_for_eddsa", 4, "kid selects an X25519 (key agreement) OKP key for EdDSA: the key is kept but never compatible.", make(std_hdr("EdDSA", "x-1"), STD_CLAIMS, "ed25519"), jwks(pub("x25519", kid="x-1")), pol("EdDSA"), "key_alg_mismatch", unchecked_sig="X25519 cannot verify")
    add(f, "secp256k1_key_for_es256", 4, "kid selects a secp256k1 EC key (unsupported curve) for ES256.", make(std_hdr("ES256", "k1-1"), STD_CLAIMS, "p256"), jwks(pub("secp256k1", kid="k1-1")), pol("ES256"), "key_alg_mismatch", unchecked_sig="secp256k1 cannot verify ES256")
    add(f, "unsupported_keys_kept_and_skipped", 4, "A set holding X25519 and secp256k1 keys plus the right P-256 key; no kid: only the P-256 key is compatible.", std_token("ES256", kid=False), jwks(pub("x25519", kid="x-1"), pub("secp256k1", kid="k1-1"), pub("p256", kid="ec-p256-1")), pol("ES256"), "valid")


def cases_key_selection():
    f = "key_selection.json"
    start(f, "Rule 5: choosing the verification key by kid (exact, case-sensitive) or by alg compatibility; header-embedded keys are ignored.")
    mixed = jwks(pub("rsa", kid="rsa-1"), pub("p256", kid="ec-p256-1"), pub("hs256", kid="hs-1"), pub("ed25519", kid="ed-1"))
    two_rsa = jwks(pub("rsa", kid="rsa-1"), pub("rsa_b", kid="rsa-2"))
    add(f, "kid_selects_rsa_in_mixed_set", 5, "kid rsa-1 picks the RSA key out of a mixed set.", std_token("RS256"), mixed, pol("RS256"), "valid")
    add(f, "kid_selects_ec_in_mixed_set", 5, "kid ec-p256-1 picks the EC key out of a mixed set.", std_token("ES256"), mixed, pol("ES256"), "valid")
    add(f, "kid_selects_second_of_two_rsa", 5, "kid rsa-2 picks the second RSA key.", make(std_hdr("RS256", "rsa-2"), STD_CLAIMS, "rsa_b"), two_rsa, pol("RS256"), "valid")
    add(f, "no_kid_unique_compatible_in_mixed_set", 5, "No kid: the P-256 key is the only one compatible with ES256.", std_token("ES256", kid=False), mixed, pol("ES256"), "valid")
    add(f, "no_kid_two_rsa_keys_ambiguous", 5, "No kid and two RSA keys compatible with RS256.", std_token("RS256", kid=False), two_rsa, pol("RS256"), "ambiguous_key")
    add(f, "no_kid_two_oct_keys_ambiguous", 5, "No kid and two HMAC secrets.", std_token("HS256", kid=False), jwks(pub("hs256", kid="hs-1"), pub("hs256_b", kid="hs-2")), pol("HS256"), "ambiguous_key")
    add(f, "no_kid_second_rsa_restricted_by_alg", 5, "No kid; two RSA keys but one declares alg PS256, so only one is compatible with RS256.", std_token("RS256", kid=False), jwks(pub("rsa", kid="rsa-1"), pub("rsa_b", kid="rsa-2", alg="PS256")), pol("RS256"), "valid")
    add(f, "no_kid_second_rsa_use_enc", 5, "No kid; the other RSA key has use enc and is not a candidate.", std_token("RS256", kid=False), jwks(pub("rsa_b", kid="rsa-2", use="enc"), pub("rsa", kid="rsa-1")), pol("RS256"), "valid")
    add(f, "no_kid_no_compatible_key", 5, "No kid; the set holds only EC and oct keys, token is RS256.", std_token("RS256", kid=False), jwks(pub("p256", kid="ec-p256-1"), pub("hs256", kid="hs-1")), pol("RS256"), "key_alg_mismatch", unchecked_sig="no RSA key in the set")
    add(f, "kid_unknown", 5, "kid rsa-9 is not in the set.", make(std_hdr("RS256", "rsa-9"), STD_CLAIMS, "rsa"), two_rsa, pol("RS256"), "unknown_kid")
    add(f, "kid_case_sensitive", 5, "kid RSA-1 does not match rsa-1.", make(std_hdr("RS256", "RSA-1"), STD_CLAIMS, "rsa"), two_rsa, pol("RS256"), "unknown_kid")
    add(f, "kid_trailing_space", 5, "kid 'rsa-1 ' does not match rsa-1.", make(std_hdr("RS256", "rsa-1 "), STD_CLAIMS, "rsa"), two_rsa, pol("RS256"), "unknown_kid")
    add(f, "kid_empty_string", 5, "kid '' does not match any key.", make({"alg": "RS256", "kid": ""}, STD_CLAIMS, "rsa"), jwks(pub("rsa", kid="rsa-1")), pol("RS256"), "unknown_kid")
    add(f, "kid_escaped_in_header", 5, "kid written as \\u0072sa-1 equals rsa-1 after unescaping.", make(b'{"alg":"RS256","kid":"\\u0072sa-1"}', STD_CLAIMS, "rsa", "RS256"), two_rsa, pol("RS256"), "valid")
    add(f, "kid_any_single_key_without_kid", 5, "Any kid is accepted when the set is exactly one key that has no kid.", make(std_hdr("RS256", "whatever"), STD_CLAIMS, "rsa"), jwks(pub("rsa")), pol("RS256"), "valid")
    add(f, "kid_single_key_with_other_kid", 5, "The set is one key whose kid differs: unknown_kid (the exception needs a key without kid).", make(std_hdr("RS256", "whatever"), STD_CLAIMS, "rsa"), jwks(pub("rsa", kid="rsa-1")), pol("RS256"), "unknown_kid")
    add(f, "kid_two_keys_without_kid", 5, "kid present, two keys without kid: no exception applies.", make(std_hdr("RS256", "rsa-1"), STD_CLAIMS, "rsa"), jwks(pub("rsa"), pub("rsa_b")), pol("RS256"), "unknown_kid")
    add(f, "kid_duplicated_in_set", 5, "Two RSA keys share the kid; the token is correctly signed by one of them.", make(std_hdr("RS256", "shared"), STD_CLAIMS, "rsa"), jwks(pub("rsa", kid="shared"), pub("rsa_b", kid="shared")), pol("RS256"), "ambiguous_key")
    add(f, "kid_duplicated_across_key_types", 5, "An RSA and an EC key share the kid; only one is compatible, but a duplicated kid is ambiguous.", make(std_hdr("RS256", "shared"), STD_CLAIMS, "rsa"), jwks(pub("rsa", kid="shared"), pub("p256", kid="shared")), pol("RS256"), "ambiguous_key")
    add(f, "no_kid_key_has_kid", 5, "Token without kid, one key with kid: selected by compatibility.", std_token("RS256", kid=False), jwks(pub("rsa", kid="rsa-1")), pol("RS256"), "valid")
    add(f, "keys_single_jwk_object", 5, "keys is a single JWK object rather than a JWKS.", std_token("ES256"), pub("p256", kid="ec-p256-1"), pol("ES256"), "valid")
    add(f, "keys_single_jwk_without_kid", 5, "keys is a single JWK without kid; the token has a kid.", std_token("EdDSA"), pub("ed25519"), pol("EdDSA"), "valid")
    add(f, "kid_selects_key_but_wrong_signer", 5, "kid rsa-1 is selected but the token was signed by the rsa-2 private key.", make(std_hdr("RS256", "rsa-1"), STD_CLAIMS, "rsa_b"), two_rsa, pol("RS256"), "bad_signature")
    # header-embedded keys are ignored
    att_jwk = pub("attacker_rsa")
    add(f, "embedded_jwk_attacker_key", 5, "Header jwk carries the attacker's public key and the token is signed with it; the embedded key is ignored and the set's key fails.", make({"alg": "RS256", "typ": "JWT", "jwk": att_jwk}, STD_CLAIMS, "attacker_rsa"), jwks(pub("rsa", kid="rsa-1")), pol("RS256"), "bad_signature")
    add(f, "embedded_jwk_attacker_key_with_kid", 5, "As above, with kid rsa-1 in the header and in the embedded jwk.", make({"alg": "RS256", "kid": "rsa-1", "jwk": dict(att_jwk, kid="rsa-1")}, STD_CLAIMS, "attacker_rsa"), jwks(pub("rsa", kid="rsa-1")), pol("RS256"), "bad_signature")
    add(f, "embedded_jwk_attacker_ec_key", 5, "Header jwk carries an attacker P-256 key (CVE-2018-0114 style).", make({"alg": "ES256", "jwk": pub("attacker_p256")}, STD_CLAIMS, "attacker_p256"), jwks(pub("p256", kid="ec-p256-1")), pol("ES256"), "bad_signature")
    add(f, "embedded_jku_attacker", 5, "Header jku points at an attacker JWKS; it is never fetched.", make({"alg": "RS256", "kid": "rsa-1", "jku": "https://attacker.example/jwks.json"}, STD_CLAIMS, "attacker_rsa"), jwks(pub("rsa", kid="rsa-1")), pol("RS256"), "bad_signature")
    add(f, "embedded_x5u_attacker", 5, "Header x5u points at an attacker certificate; it is never fetched.", make({"alg": "RS256", "kid": "rsa-1", "x5u": "https://attacker.example/cert.pem"}, STD_CLAIMS, "attacker_rsa"), jwks(pub("rsa", kid="rsa-1")), pol("RS256"), "bad_signature")
    akey = private_key("attacker_rsa")
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "auth.example.com")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(akey.public_key())
            .serial_number(1).not_valid_before(datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc))
            .not_valid_after(datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc)).sign(akey, hashes.SHA256()))
    x5c = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
    add(f, "embedded_x5c_attacker_cert", 5, "Header x5c holds a self-signed attacker certificate for the signing key; it is ignored.", make({"alg": "RS256", "x5c": [x5c]}, STD_CLAIMS, "attacker_rsa"), jwks(pub("rsa", kid="rsa-1")), pol("RS256"), "bad_signature")
    add(f, "embedded_jku_on_valid_token", 5, "A properly signed token that also carries jku: presence alone does not reject.", make({"alg": "RS256", "kid": "rsa-1", "jku": "https://auth.example.com/jwks.json"}, STD_CLAIMS, "rsa"), jwks(pub("rsa", kid="rsa-1")), pol("RS256"), "valid")
    add(f, "embedded_x5u_on_valid_token", 5, "A properly signed token that also carries x5u.", make({"alg": "RS256", "kid": "rsa-1", "x5u": "https://auth.example.com/cert.pem"}, STD_CLAIMS, "rsa"), jwks(pub("rsa", kid="rsa-1")), pol("RS256"), "valid")
    add(f, "embedded_jwk_matching_on_valid_token", 5, "A properly signed token whose header jwk is the legitimate key.", make({"alg": "ES256", "jwk": pub("p256")}, STD_CLAIMS, "p256"), jwks(pub("p256", kid="ec-p256-1")), pol("ES256"), "valid")


def cases_key_strength():
    f = "key_strength.json"
    start(f, "Rule 7 (keys): minimum strength of HMAC secrets, RSA moduli and Ed25519 keys; unacceptable keys fail at key-set construction.")
    add(f, "hmac_secret_31_bytes", 7, "A 31-byte HMAC secret is too short for any HS alg (fails at key construction).", make(std_hdr("HS256", "hs-1"), STD_CLAIMS, "hs_31"), jwks(pub("hs_31", kid="hs-1")), pol("HS256"), "weak_key")
    add(f, "hmac_secret_empty", 7, "An empty HMAC secret.", make(std_hdr("HS256", "hs-1"), STD_CLAIMS, "hs_empty"), jwks(pub("hs_empty", kid="hs-1")), pol("HS256"), "weak_key", unchecked_sig="an empty HMAC key")
    add(f, "hmac_secret_32_bytes_hs256_ok", 7, "A 32-byte secret is exactly enough for HS256.", std_token("HS256"), std_keys("HS256"), pol("HS256"), "valid")
    add(f, "hmac_secret_32_bytes_hs384", 7, "A 32-byte secret used for HS384 (needs 48 bytes): rejected at verification.", make(std_hdr("HS384", "hs-1"), STD_CLAIMS, "hs256"), jwks(pub("hs256", kid="hs-1")), pol("HS384"), "weak_key")
    add(f, "hmac_secret_32_bytes_hs512", 7, "A 32-byte secret used for HS512 (needs 64 bytes).", make(std_hdr("HS512", "hs-1"), STD_CLAIMS, "hs256"), jwks(pub("hs256", kid="hs-1")), pol("HS512"), "weak_key")
    add(f, "hmac_secret_48_bytes_hs512", 7, "A 48-byte secret used for HS512.", make(std_hdr("HS512", "hs384-1"), STD_CLAIMS, "hs384"), jwks(pub("hs384", kid="hs384-1")), pol("HS512"), "weak_key")
    add(f, "hmac_secret_48_bytes_hs384_ok", 7, "A 48-byte secret is exactly enough for HS384.", std_token("HS384"), std_keys("HS384"), pol("HS384"), "valid")
    add(f, "hmac_secret_64_bytes_hs256_ok", 7, "A longer-than-needed secret is fine.", make(std_hdr("HS256", "hs512-1"), STD_CLAIMS, "hs512"), jwks(pub("hs512", kid="hs512-1")), pol("HS256"), "valid")
    add(f, "rsa_1024_bits", 7, "A 1024-bit RSA key (fails at key construction).", make(std_hdr("RS256", "rsa-weak"), STD_CLAIMS, "rsa_1024"), jwks(pub("rsa_1024", kid="rsa-weak")), pol("RS256"), "weak_key")
    add(f, "rsa_2047_bits", 7, "A 2047-bit RSA modulus is below the 2048-bit minimum.", make(std_hdr("PS256", "rsa-2047"), STD_CLAIMS, "rsa_2047"), jwks(pub("rsa_2047", kid="rsa-2047")), pol("PS256"), "weak_key")
    add(f, "rsa_8256_bits", 7, "An 8256-bit RSA modulus exceeds the 8192-bit maximum (CPU exhaustion guard).", make(std_hdr("RS256", "rsa-big"), STD_CLAIMS, "rsa_8256"), jwks(pub("rsa_8256", kid="rsa-big")), pol("RS256"), "invalid_key")
    add(f, "weak_key_among_good_keys", 7, "A correctly signed RS256 token; the set also holds a 31-byte HMAC secret, which stays unusable but does not block the good key.", std_token("RS256"), jwks(pub("rsa", kid="rsa-1"), pub("hs_31", kid="hs-weak")), pol("RS256"), "valid")
    add(f, "rsa_1024_among_good_keys", 7, "A correctly signed ES256 token; the set also holds a legacy 1024-bit RSA key (as real JWKS documents do).", std_token("ES256"), jwks(pub("p256", kid="ec-p256-1"), pub("rsa_1024", kid="rsa-weak")), pol("ES256"), "valid")
    add(f, "weak_key_selected_by_kid", 7, "The token's kid selects the 1024-bit RSA key of a mixed set: weak_key.", make(std_hdr("RS256", "rsa-weak"), STD_CLAIMS, "rsa_1024"), jwks(pub("p256", kid="ec-p256-1"), pub("rsa_1024", kid="rsa-weak")), pol(["RS256", "ES256"]), "weak_key")
    add(f, "weak_key_never_chosen_without_kid", 7, "No kid: a weak HMAC secret is not a candidate, so the one good HMAC key is chosen.", make(std_hdr("HS256"), STD_CLAIMS, "hs256"), jwks(pub("hs256", kid="hs-1"), pub("hs_31", kid="hs-weak")), pol("HS256"), "valid")
    # Ed25519 small-order public keys: with A = identity, R = identity and S = 0 satisfy [S]B = R + [k]A
    ident = bytes.fromhex("01" + "00" * 31)
    forged = ident + bytes(32)
    add(f, "ed25519_small_order_key_identity", 7, "Ed25519 public key is the identity point; the signature R=identity, S=0 passes a cofactorless check for ANY message.", make(std_hdr("EdDSA", "ed-weak"), STD_CLAIMS, sig=forged), jwks({"kty": "OKP", "crv": "Ed25519", "x": b64u(ident), "kid": "ed-weak"}), pol("EdDSA"), "weak_key", unchecked_sig="forged against a small-order key")
    order2 = bytes.fromhex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")
    add(f, "ed25519_small_order_key_order2", 7, "Ed25519 public key of order 2.", make(std_hdr("EdDSA", "ed-weak"), STD_CLAIMS, sig=forged), jwks({"kty": "OKP", "crv": "Ed25519", "x": b64u(order2), "kid": "ed-weak"}), pol("EdDSA"), "weak_key", unchecked_sig="forged against a small-order key")
    good = pub("p256", kid="ec-p256-1")
    y = b2i(b64d(good["y"]))
    off = dict(good, y=b64u(i2b((y + 1) % (2**256), 32)))
    add(f, "ec_point_not_on_curve", 7, "A P-256 JWK whose point is not on the curve (invalid-curve attack): refused at key construction.", std_token("ES256"), jwks(off), pol("ES256"), "invalid_key")


def cases_signatures():
    f = "signatures.json"
    start(f, "Rule 7 (signatures): exact signature lengths and encodings, ECDSA range checks, strict Ed25519, PSS salt length.")

    def tamper(token: str) -> str:
        h, _, s = split(token)
        return f"{h}.{b64u(jdump(with_claims(sub='admin')))}.{s}"

    for alg in ["HS256", "HS512", "RS256", "PS384", "ES256", "ES512", "EdDSA"]:
        add(f, f"tampered_payload_{alg.lower()}", 7, f"{alg}: the payload was changed after signing.", tamper(std_token(alg)), std_keys(alg), pol(alg), "bad_signature")
    add(f, "wrong_hmac_secret", 7, "HS256 MAC made with a different 32-byte secret.", make(std_hdr("HS256", "hs-1"), STD_CLAIMS, "hs256_b"), std_keys("HS256"), pol("HS256"), "bad_signature")
    add(f, "wrong_ec_key", 7, "ES256 signature by a different P-256 key.", make(std_hdr("ES256", "ec-p256-1"), STD_CLAIMS, "p256_b"), std_keys("ES256"), pol("ES256"), "bad_signature")
    add(f, "wrong_ed25519_key", 7, "EdDSA signature by a different Ed25519 key.", make(std_hdr("EdDSA", "ed-1"), STD_CLAIMS, "ed25519_b"), std_keys("EdDSA"), pol("EdDSA"), "bad_signature")
    hs = std_token("HS256")
    h, p, s = split(hs)
    add(f, "hmac_truncated_16_bytes", 7, "HS256 MAC truncated to 16 bytes.", f"{h}.{p}.{b64u(b64d(s)[:16])}", std_keys(), pol("HS256"), "bad_signature")
    add(f, "hmac_zero_bytes_mac", 7, "32 zero bytes as the MAC.", f"{h}.{p}.{b64u(bytes(32))}", std_keys(), pol("HS256"), "bad_signature")
    add(f, "hmac_hs512_mac_in_hs256_token", 7, "Header says HS256, MAC is HMAC-SHA512 with the right secret.", make(std_hdr("HS256", "hs-1"), STD_CLAIMS, "hs256", "HS512"), std_keys(), pol("HS256"), "bad_signature")
    add(f, "signature_over_different_header_encoding", 7, "The MAC covers a different serialisation of the same header (members reordered).", f"{h}.{p}.{split(make({'typ': 'JWT', 'alg': 'HS256', 'kid': 'hs-1'}, STD_CLAIMS, 'hs256'))[2]}", std_keys(), pol("HS256"), "bad_signature")
    # ECDSA encodings and ranges
    for alg, key, crv, width in [("ES256", "p256", "P-256", 32), ("ES384", "p384", "P-384", 48), ("ES512", "p521", "P-521", 66)]:
        hdr = std_hdr(alg, KID[key])
        hs_, ps_ = b64u(jdump(hdr)), b64u(jdump(STD_CLAIMS))
        msg = f"{hs_}.{ps_}".encode()
        raw = sign(alg, key, msg)
        r, sv = b2i(raw[:width]), b2i(raw[width:])
        n = CURVE_ORDER[crv]
        der = encode_dss_signature(r, sv)
        lc = alg.lower()
        add(f, f"{lc}_der_signature", 7, f"{alg} signature in ASN.1 DER instead of fixed-width R||S.", f"{hs_}.{ps_}.{b64u(der)}", std_keys(alg), pol(alg), "bad_signature")
        high = register(f"{hs_}.{ps_}.{b64u(i2b(r, width) + i2b(max(sv, n - sv), width))}", alg, key)
        low = register(f"{hs_}.{ps_}.{b64u(i2b(r, width) + i2b(min(sv, n - sv), width))}", alg, key)
        add(f, f"{lc}_high_s_valid", 7, f"{alg} signature with s > n/2 (the high-S twin n - s of a low-S signature) is valid: there is no low-S rule.", high, std_keys(alg), pol(alg), "valid")
        add(f, f"{lc}_low_s_valid", 7, f"The same {alg} signature normalised to s <= n/2.", low, std_keys(alg), pol(alg), "valid")
        add(f, f"{lc}_r_zero", 7, f"{alg} with r = 0.", f"{hs_}.{ps_}.{b64u(bytes(width) + i2b(sv, width))}", std_keys(alg), pol(alg), "bad_signature")
        add(f, f"{lc}_s_zero", 7, f"{alg} with s = 0.", f"{hs_}.{ps_}.{b64u(i2b(r, width) + bytes(width))}", std_keys(alg), pol(alg), "bad_signature")
        add(f, f"{lc}_r_and_s_zero", 7, f"{alg} with r = s = 0 (CVE-2022-21449 'psychic signature').", f"{hs_}.{ps_}.{b64u(bytes(2 * width))}", std_keys(alg), pol(alg), "bad_signature")
        add(f, f"{lc}_s_equals_n", 7, f"{alg} with s = n (the group order).", f"{hs_}.{ps_}.{b64u(i2b(r, width) + i2b(n, width))}", std_keys(alg), pol(alg), "bad_signature")
        add(f, f"{lc}_r_equals_n", 7, f"{alg} with r = n.", f"{hs_}.{ps_}.{b64u(i2b(n, width) + i2b(sv, width))}", std_keys(alg), pol(alg), "bad_signature")
        if r + n < 2 ** (8 * width):
            add(f, f"{lc}_r_plus_n", 7, f"{alg} with r + n in place of r (same residue, out of range).", f"{hs_}.{ps_}.{b64u(i2b(r + n, width) + i2b(sv, width))}", std_keys(alg), pol(alg), "bad_signature")
        add(f, f"{lc}_truncated_one_byte", 7, f"{alg} signature one byte short.", f"{hs_}.{ps_}.{b64u(raw[:-1])}", std_keys(alg), pol(alg), "bad_signature")
        add(f, f"{lc}_extra_zero_byte", 7, f"{alg} signature with a 0x00 byte prepended.", f"{hs_}.{ps_}.{b64u(bytes(1) + raw)}", std_keys(alg), pol(alg), "bad_signature")
    # RSA: leading zero byte in the signature
    def rs_tok(i):
        return std_token("RS256", claims=with_claims(jti=f"lz-{i}"))
    lz = find_variant(lambda t: b64d(split(t)[2])[0] == 0, rs_tok)
    lh, lp, ls = split(lz)
    lraw = b64d(ls)
    add(f, "rs256_signature_leading_zero_valid", 7, "A PKCS#1 v1.5 signature whose first byte is 0x00, presented at full modulus length, is valid.", lz, std_keys("RS256"), pol("RS256"), "valid")
    add(f, "rs256_signature_leading_zero_stripped", 7, "The same signature with the leading 0x00 stripped (255 bytes) is rejected.", f"{lh}.{lp}.{b64u(lraw[1:])}", std_keys("RS256"), pol("RS256"), "bad_signature")
    rh, rp, rsig = split(std_token("RS256"))
    add(f, "rs256_signature_extra_leading_zero", 7, "A valid RS256 signature with an extra 0x00 prepended (257 bytes).", f"{rh}.{rp}.{b64u(bytes(1) + b64d(rsig))}", std_keys("RS256"), pol("RS256"), "bad_signature")
    add(f, "rs256_signature_truncated", 7, "RS256 signature missing its last byte.", f"{rh}.{rp}.{b64u(b64d(rsig)[:-1])}", std_keys("RS256"), pol("RS256"), "bad_signature")
    add(f, "rs256_signature_is_modulus", 7, "The signature value equals the modulus n.", f"{rh}.{rp}.{pub('rsa')['n']}", std_keys("RS256"), pol("RS256"), "bad_signature")
    rkey = private_key("rsa")
    for alg, salt, why in [("PS256", 0, "salt length 0"), ("PS256", padding.PSS.MAX_LENGTH, "maximum salt length"),
                           ("PS384", 32, "salt length 32 (SHA-256 size) under SHA-384"), ("PS512", 32, "salt length 32 under SHA-512")]:
        hdr = std_hdr(alg, "rsa-1")
        hs_, ps_ = b64u(jdump(hdr)), b64u(jdump(STD_CLAIMS))
        hh = HASHES[alg[2:]]()
        sig = rkey.sign(f"{hs_}.{ps_}".encode(), padding.PSS(padding.MGF1(hh), salt), hh)
        slug = "max" if salt == padding.PSS.MAX_LENGTH else str(salt)
        add(f, f"{alg.lower()}_salt_length_{slug}", 7, f"{alg} signature with {why}; the salt must equal the hash length.", f"{hs_}.{ps_}.{b64u(sig)}", std_keys("PS256"), pol(alg), "bad_signature")
    add(f, "pkcs1_signature_in_ps256_token", 7, "Header PS256, signature is PKCS#1 v1.5 over the same input.", make(std_hdr("PS256", "rsa-1"), STD_CLAIMS, "rsa", "RS256"), std_keys("PS256"), pol("PS256"), "bad_signature")
    add(f, "pss_signature_in_rs256_token", 7, "Header RS256, signature is PSS over the same input.", make(std_hdr("RS256", "rsa-1"), STD_CLAIMS, "rsa", "PS256"), std_keys("RS256"), pol("RS256"), "bad_signature")
    add(f, "rs512_signature_in_rs256_token", 7, "Header RS256, signature made with SHA-512.", make(std_hdr("RS256", "rsa-1"), STD_CLAIMS, "rsa", "RS512"), std_keys("RS256"), pol("RS256"), "bad_signature")
    # Ed25519
    et = std_token("EdDSA")
    eh, ep, es = split(et)
    eraw = b64d(es)
    S = int.from_bytes(eraw[32:], "little")
    add(f, "ed25519_non_canonical_s", 7, "Ed25519 signature with S replaced by S + L (same value mod L, non-canonical): strict verification rejects it.", f"{eh}.{ep}.{b64u(eraw[:32] + (S + ED25519_L).to_bytes(32, 'little'))}", std_keys("EdDSA"), pol("EdDSA"), "bad_signature")
    add(f, "ed25519_truncated", 7, "Ed25519 signature of 63 bytes.", f"{eh}.{ep}.{b64u(eraw[:-1])}", std_keys("EdDSA"), pol("EdDSA"), "bad_signature")
    add(f, "ed25519_flipped_bit", 7, "Ed25519 signature with one bit of R flipped.", f"{eh}.{ep}.{b64u(bytes([eraw[0] ^ 1]) + eraw[1:])}", std_keys("EdDSA"), pol("EdDSA"), "bad_signature")
    add(f, "ed25519_all_zero_signature", 7, "64 zero bytes as an Ed25519 signature.", f"{eh}.{ep}.{b64u(bytes(64))}", std_keys("EdDSA"), pol("EdDSA"), "bad_signature")


def cases_claims():
    f = "claims.json"
    start(f, "Rule 8: registered claim types, required claims, time checks with leeway, issuer and audience.")
    k, P = std_keys(), pol("HS256")

    def tok(claims):
        return std_token(claims=claims)

    def raw(extra_without, text):
        return make(std_hdr("HS256", "hs-1"), jdump(with_claims(**{extra_without: None}))[:-1] + b"," + text.encode() + b"}", "hs256")

    add(f, "claims_standard_valid", 8, "The standard claims at now = iat + 60.", tok(STD_CLAIMS), k, P, "valid")
    # exp
    add(f, "exp_missing", 8, "exp absent; require defaults to [\"exp\"].", tok(with_claims(exp=None)), k, P, "missing_claim")
    add(f, "exp_string", 8, "exp as a numeric string.", tok(with_claims(exp="1800000900")), k, P, "invalid_claim")
    add(f, "exp_boolean", 8, "exp true.", tok(with_claims(exp=True)), k, P, "invalid_claim")
    add(f, "exp_null", 8, "exp null (present, wrong type).", raw("exp", '"exp":null'), k, P, "invalid_claim")
    add(f, "exp_array", 8, "exp as an array.", tok(with_claims(exp=[1800000900])), k, P, "invalid_claim")
    add(f, "exp_object", 8, "exp as an object.", tok(with_claims(exp={"t": 1800000900})), k, P, "invalid_claim")
    add(f, "exp_fraction_just_valid", 8, "exp 1800000030.5 with leeway 30: now 1800000060 < exp + leeway = 1800000060.5, so still valid (fractions are honoured exactly).", raw("exp", '"exp":1800000030.5'), k, P, "valid")
    add(f, "exp_fraction_just_expired", 8, "exp 1800000029.5: exp + leeway = 1800000059.5 <= now 1800000060.", raw("exp", '"exp":1800000029.5'), k, P, "expired")
    add(f, "exp_equals_now_minus_leeway", 8, "now == exp + leeway is expired (valid iff now < exp + leeway).", tok(with_claims(exp=VNOW - 30, iat=1799999000, nbf=1799999000)), k, P, "expired")
    add(f, "exp_one_second_inside_leeway", 8, "now == exp + leeway - 1 is still valid.", tok(with_claims(exp=VNOW - 29, iat=1799999000, nbf=1799999000)), k, P, "valid")
    add(f, "exp_equals_now_no_leeway", 8, "Leeway defaults to 0: exp == now is expired.", tok(STD_CLAIMS), k, pol("HS256", leeway=None), "expired", now=1800000900)
    add(f, "exp_now_minus_one_no_leeway", 8, "Leeway 0: now == exp - 1 is valid.", tok(STD_CLAIMS), k, pol("HS256", leeway=None), "valid", now=1800000899)
    add(f, "exp_expired_long_ago", 8, "Expired an hour before now.", tok(with_claims(exp=1799996400, iat=1799990000, nbf=1799990000)), k, P, "expired")
    add(f, "exp_negative", 8, "exp -1.", tok(with_claims(exp=-1)), k, P, "expired")
    add(f, "exp_zero", 8, "exp 0.", tok(with_claims(exp=0)), k, P, "expired")
    add(f, "exp_1e400_out_of_range", 8, "exp 1e400 is outside the IEEE double range.", raw("exp", '"exp":1e400'), k, P, "invalid_claim")
    add(f, "exp_negative_1e400_out_of_range", 8, "exp -1e400 is outside the IEEE double range.", raw("exp", '"exp":-1e400'), k, P, "invalid_claim")
    add(f, "exp_1e300_far_future", 8, "exp 1e300 is merely far in the future.", raw("exp", '"exp":1e300'), k, P, "valid")
    add(f, "exp_20_digit_integer_far_future", 8, "exp 99999999999999999999 (beyond 64-bit integers, within double range) is far future.", raw("exp", '"exp":99999999999999999999'), k, P, "valid")
    add(f, "exp_negative_zero", 8, "exp -0 is zero, long expired.", raw("exp", '"exp":-0'), k, P, "expired")
    # nbf
    add(f, "nbf_in_future_beyond_leeway", 8, "nbf = now + leeway + 1.", tok(with_claims(nbf=VNOW + 31)), k, P, "not_yet_valid")
    add(f, "nbf_equals_now_plus_leeway", 8, "nbf == now + leeway is valid (nbf <= now + leeway).", tok(with_claims(nbf=VNOW + 30)), k, P, "valid")
    add(f, "nbf_within_leeway", 8, "nbf 10 s in the future, within leeway.", tok(with_claims(nbf=VNOW + 10)), k, P, "valid")
    add(f, "nbf_fraction_just_too_late", 8, "nbf = now + leeway + 0.5.", raw("nbf", f'"nbf":{VNOW + 30}.5'), k, P, "not_yet_valid")
    add(f, "nbf_far_future", 8, "nbf a day ahead.", tok(with_claims(nbf=VNOW + 86400, exp=VNOW + 90000)), k, P, "not_yet_valid")
    add(f, "nbf_string", 8, "nbf as a string.", tok(with_claims(nbf="1800000000")), k, P, "invalid_claim")
    add(f, "nbf_absent_ok", 8, "nbf is optional.", tok(with_claims(nbf=None)), k, P, "valid")
    # iat
    add(f, "iat_in_future", 8, "iat = now + leeway + 1.", tok(with_claims(iat=VNOW + 31, nbf=None)), k, P, "issued_in_future")
    add(f, "iat_equals_now_plus_leeway", 8, "iat == now + leeway is valid.", tok(with_claims(iat=VNOW + 30, nbf=None)), k, P, "valid")
    add(f, "iat_string", 8, "iat as a string.", tok(with_claims(iat="now")), k, P, "invalid_claim")
    add(f, "iat_absent_ok", 8, "iat is optional without max_age.", tok(with_claims(iat=None)), k, P, "valid")
    # max_age
    add(f, "max_age_too_old", 8, "iat 4000 s before now with max_age 3600 (+30 leeway).", tok(with_claims(iat=VNOW - 4000, nbf=VNOW - 4000)), k, pol("HS256", max_age=3600), "token_too_old")
    add(f, "max_age_fresh", 8, "iat 100 s before now with max_age 3600.", tok(with_claims(iat=VNOW - 100, nbf=VNOW - 100)), k, pol("HS256", max_age=3600), "valid")
    add(f, "max_age_far_past", 8, "iat a day before now with max_age 300.", tok(with_claims(iat=VNOW - 86400, nbf=VNOW - 86400)), k, pol("HS256", max_age=300), "token_too_old")
    # iss
    add(f, "iss_case_mismatch", 8, "iss differs only by case (no normalisation).", tok(with_claims(iss="https://Auth.example.com/")), k, P, "issuer_mismatch")
    add(f, "iss_missing_trailing_slash", 8, "iss without the trailing slash.", tok(with_claims(iss="https://auth.example.com")), k, P, "issuer_mismatch")
    add(f, "iss_extra_path", 8, "iss with an extra path segment.", tok(with_claims(iss="https://auth.example.com/evil")), k, P, "issuer_mismatch")
    add(f, "iss_prefix_attack", 8, "iss that merely starts with an accepted issuer's host.", tok(with_claims(iss="https://auth.example.com.evil.example/")), k, P, "issuer_mismatch")
    add(f, "iss_numeric", 8, "iss as a number.", tok(with_claims(iss=42)), k, P, "invalid_claim")
    add(f, "iss_array", 8, "iss as an array holding the accepted issuer.", tok(with_claims(iss=[ISS])), k, P, "invalid_claim")
    add(f, "iss_missing", 8, "iss absent while the policy names an issuer.", tok(with_claims(iss=None)), k, P, "missing_claim")
    add(f, "iss_second_of_two_accepted", 8, "The policy accepts two issuers; iss matches the second.", tok(with_claims(iss="https://login.example.org")), k, pol("HS256", issuer=[ISS, "https://login.example.org"]), "valid")
    add(f, "iss_not_checked_without_policy", 8, "Without a policy issuer any string iss is accepted.", tok(with_claims(iss="https://anyone.example/")), k, pol("HS256", issuer=None), "valid")
    # aud
    add(f, "aud_array_with_match", 8, "aud array containing the accepted audience.", tok(with_claims(aud=["api://billing", AUD])), k, P, "valid")
    add(f, "aud_array_without_match", 8, "aud array without the accepted audience.", tok(with_claims(aud=["api://billing", "api://shipping"])), k, P, "audience_mismatch")
    add(f, "aud_string_mismatch", 8, "aud string naming another API.", tok(with_claims(aud="api://billing")), k, P, "audience_mismatch")
    add(f, "aud_case_mismatch", 8, "aud differs only by case.", tok(with_claims(aud="API://orders")), k, P, "audience_mismatch")
    add(f, "aud_empty_array", 8, "aud [] is not a valid audience value.", tok(with_claims(aud=[])), k, P, "invalid_claim")
    add(f, "aud_array_with_number", 8, "aud array holding a number next to the accepted audience.", tok(with_claims(aud=[AUD, 7])), k, P, "invalid_claim")
    add(f, "aud_number", 8, "aud as a number.", tok(with_claims(aud=7)), k, P, "invalid_claim")
    add(f, "aud_object", 8, "aud as an object.", tok(with_claims(aud={"aud": AUD})), k, P, "invalid_claim")
    add(f, "aud_missing", 8, "aud absent while the policy names an audience.", tok(with_claims(aud=None)), k, P, "missing_claim")
    add(f, "aud_present_policy_without_audience", 8, "The token names an audience but the verifier names none: reject (RFC 7519 4.1.3).", tok(STD_CLAIMS), k, pol("HS256", audience=None), "audience_mismatch")
    add(f, "aud_absent_policy_without_audience", 8, "No aud and no policy audience is fine.", tok(with_claims(aud=None)), k, pol("HS256", audience=None), "valid")
    add(f, "aud_policy_second_of_two", 8, "The policy accepts two audiences; aud matches the second.", tok(with_claims(aud="api://billing")), k, pol("HS256", audience=[AUD, "api://billing"]), "valid")
    # sub / jti
    add(f, "sub_numeric", 8, "sub as a number.", tok(with_claims(sub=1234)), k, P, "invalid_claim")
    add(f, "sub_null", 8, "sub null.", raw("sub", '"sub":null'), k, P, "invalid_claim")
    add(f, "jti_numeric", 8, "jti as a number.", tok(with_claims(jti=7)), k, P, "invalid_claim")
    add(f, "sub_escaped_nul_ok", 8, "A string claim containing an escaped NUL is fine.", raw("sub", '"sub":"user-1234\\u0000admin"'), k, P, "valid")
    add(f, "private_claims_any_type_ok", 8, "Unregistered claims may have any JSON type.", tok(with_claims(roles=["a", "b"], admin=False, n=None, ctx={"x": 1.5})), k, P, "valid")
    # require
    add(f, "require_nbf_jti_missing_jti", 8, "require [\"nbf\",\"jti\"] and jti is absent.", tok(with_claims(jti=None)), k, pol("HS256", require=["nbf", "jti"]), "missing_claim")
    add(f, "require_nbf_jti_missing_nbf", 8, "require [\"nbf\",\"jti\"] and nbf is absent.", tok(with_claims(nbf=None)), k, pol("HS256", require=["nbf", "jti"]), "missing_claim")
    add(f, "require_nbf_jti_present", 8, "require [\"nbf\",\"jti\"] with both present (exp stays required and is checked).", tok(STD_CLAIMS), k, pol("HS256", require=["nbf", "jti"]), "valid")
    add(f, "require_adds_to_default", 8, "require [\"iat\"] adds to the default: exp stays required, so a token without exp is refused.", tok(with_claims(exp=None)), k, pol("HS256", require=["iat"]), "missing_claim")
    add(f, "allow_missing_exp_by_name", 8, "Only the named loosening allow_missing_exp accepts a token without exp.", tok(with_claims(exp=None)), k, pol("HS256", require=["iat"], allow_missing_exp=True), "valid")
    add(f, "require_sub_missing", 8, "require [\"exp\",\"sub\"] and sub is absent.", tok(with_claims(sub=None)), k, pol("HS256", require=["exp", "sub"]), "missing_claim")
    add(f, "require_iat_missing", 8, "require [\"exp\",\"iat\"] and iat is absent.", tok(with_claims(iat=None)), k, pol("HS256", require=["exp", "iat"]), "missing_claim")
    add(f, "wrong_type_before_missing", 8, "iss has the wrong type and exp is missing: type errors are reported first.", tok(with_claims(iss=1, exp=None)), k, P, "invalid_claim")
    add(f, "missing_before_expired", 8, "aud missing and nbf in the future: missing_claim is reported before the time checks.", tok(with_claims(aud=None, nbf=VNOW + 1000)), k, P, "missing_claim")


RFC_A1 = ("eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
          "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
          "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
RFC_A1_KEY = {"kty": "oct", "k": "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}
RFC_PAYLOAD = "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
RFC_A2 = ("eyJhbGciOiJSUzI1NiJ9." + RFC_PAYLOAD + "."
          "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw")
RFC_A2_KEY = {"kty": "RSA",
              "n": "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",
              "e": "AQAB"}
RFC_A3 = ("eyJhbGciOiJFUzI1NiJ9." + RFC_PAYLOAD + "."
          "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q")
RFC_A3_KEY = {"kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
              "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}
RFC_A4 = ("eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA."
          "AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZqwqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8KpEHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn")
RFC_A4_KEY = {"kty": "EC", "crv": "P-521",
              "x": "AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_NjFZ6OvLFV1jSfS9tsz4qUxcWceqwQGk",
              "y": "ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4Kkd0AZMaZmh9ubmf63e3kyMj2"}
RFC8037_A4 = ("eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
              "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg")
RFC8037_KEY = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
RFC7519_UNSECURED = "eyJhbGciOiJub25lIn0." + RFC_PAYLOAD + "."


def cases_rfc():
    f = "rfc_examples.json"
    start(f, "Published examples: RFC 7515 Appendix A.1-A.4, RFC 7519 section 6.1, RFC 8037 A.4, with the exact tokens and keys from the RFCs.")
    rfc_keys = {"A1": RFC_A1_KEY, "A2": RFC_A2_KEY, "A3": RFC_A3_KEY, "A4": RFC_A4_KEY, "8037": RFC8037_KEY}
    for tag, token, alg in [("A1", RFC_A1, "HS256"), ("A2", RFC_A2, "RS256"), ("A3", RFC_A3, "ES256"),
                            ("A4", RFC_A4, "ES512"), ("8037", RFC8037_A4, "EdDSA")]:
        h, p, s = split(token)
        assert pyjwt_verify(alg, rfc_keys[tag], f"{h}.{p}".encode(), b64d(s)), tag
        assert verify_sig(alg, rfc_keys[tag], f"{h}.{p}".encode(), b64d(s)), tag
        SIGNED[token] = (alg, rfc_keys[tag])
    RP = {"algorithms": ["HS256"], "require": ["exp"]}
    before = 1300819000

    def chk(name, rule, desc, token, keys, policy, expect, now):
        # the RFC keys are not in keys.json; PyJWT verified them above
        add(f, name, rule, desc, token, keys, policy, expect, now=now, unchecked_sig=None)

    add(f, "rfc7515_a1_hs256", 7, "RFC 7515 A.1: HS256 with the RFC's 64-byte key; CRLF whitespace inside header and payload JSON is legal.", RFC_A1, RFC_A1_KEY, RP, "valid", now=before)
    add(f, "rfc7515_a1_hs256_expired", 8, "RFC 7515 A.1 at now = exp (1300819380), leeway 0.", RFC_A1, RFC_A1_KEY, RP, "expired", now=1300819380)
    add(f, "rfc7515_a1_hs256_issuer_joe", 8, "RFC 7515 A.1 with policy issuer [\"joe\"].", RFC_A1, jwks(RFC_A1_KEY), dict(RP, issuer=["joe"]), "valid", now=before)
    add(f, "rfc7515_a1_hs256_typ_pinned_jwt", 6, "RFC 7515 A.1 carries typ JWT, matching a pinned typ JWT.", RFC_A1, RFC_A1_KEY, dict(RP, typ="JWT"), "valid", now=before)
    add(f, "rfc7515_a2_rs256", 7, "RFC 7515 A.2: RS256 with the RFC's 2048-bit RSA key.", RFC_A2, jwks(RFC_A2_KEY), {"algorithms": ["RS256"], "require": ["exp"]}, "valid", now=before)
    add(f, "rfc7515_a2_rs256_not_allowed", 4, "RFC 7515 A.2 when only PS256 is allowed.", RFC_A2, jwks(RFC_A2_KEY), {"algorithms": ["PS256"], "require": ["exp"]}, "alg_not_allowed", now=before)
    add(f, "rfc7515_a3_es256", 7, "RFC 7515 A.3: ES256 with the RFC's P-256 key.", RFC_A3, jwks(RFC_A3_KEY), {"algorithms": ["ES256"], "require": ["exp"]}, "valid", now=before)
    h, p, s = split(RFC_A3)
    add(f, "rfc7515_a3_es256_tampered", 7, "RFC 7515 A.3 with the payload of A.1 swapped for a claims set naming a different issuer.", h + "." + b64u(b'{"iss":"eve","exp":1300819380}') + "." + s, jwks(RFC_A3_KEY), {"algorithms": ["ES256"], "require": ["exp"]}, "bad_signature", now=before)
    add(f, "rfc7515_a4_es512_payload_not_json", 3, "RFC 7515 A.4: a genuine ES512 signature over the payload \"Payload\", which is not a JSON object, so not a JWT.", RFC_A4, jwks(RFC_A4_KEY), {"algorithms": ["ES512"], "require": ["exp"]}, "malformed", now=before)
    add(f, "rfc8037_a4_eddsa_payload_not_json", 3, "RFC 8037 A.4: a genuine Ed25519 signature over a non-JSON payload.", RFC8037_A4, jwks(RFC8037_KEY), {"algorithms": ["EdDSA"], "require": ["exp"]}, "malformed", now=before)
    add(f, "rfc7519_6_1_unsecured_jwt", 4, "RFC 7519 section 6.1: the unsecured JWT (alg none, empty signature).", RFC7519_UNSECURED, RFC_A1_KEY, RP, "alg_not_allowed", now=before, unchecked_sig="unsecured JWT")


def cases_precedence():
    f = "precedence.json"
    start(f, "Check order: each case violates two rules on purpose and expects the code of the earlier check.")
    k, P = std_keys(), pol("HS256")
    big_expired = make(std_hdr("HS256", "hs-1"), with_claims(exp=1, pad="x" * 200), "hs256")
    add(f, "prec_size_before_everything", "1", "A correctly signed but expired token over max_token_bytes: token_too_large.", big_expired, k, pol("HS256", max_token_bytes=200), "token_too_large")
    add(f, "prec_size_before_weak_key", "1,7", "A weak key in the set with an oversized token: the size limit is decided first.", "!" * 9000, jwks(pub("hs_31", kid="hs-1")), P, "token_too_large", mutated=True)
    add(f, "prec_duplicate_before_alg", "3,4", "Duplicate header member and alg none: duplicate_member (parsing precedes header rules).", make(b'{"alg":"none","alg":"none"}', STD_CLAIMS, sig=""), k, P, "duplicate_member", unchecked_sig="unsecured")
    add(f, "prec_crit_before_alg", "6,4", "crit present and alg none: unsupported_crit is checked before the allow-list.", make({"alg": "none", "crit": ["exp"], "exp": 1}, STD_CLAIMS, sig=""), k, P, "unsupported_crit", unchecked_sig="unsecured")
    add(f, "prec_cty_before_alg", "6,4", "cty JWT and alg not allowed: nested_jwt first.", make({"alg": "RS256", "cty": "JWT", "kid": "rsa-1"}, STD_CLAIMS, "rsa"), jwks(pub("rsa", kid="rsa-1"), pub("hs256", kid="hs-1")), P, "nested_jwt")
    add(f, "prec_alg_before_typ", "4,6", "alg not allowed and typ mismatched: alg_not_allowed first.", make({"alg": "RS256", "typ": "JWT", "kid": "rsa-1"}, STD_CLAIMS, "rsa"), jwks(pub("rsa", kid="rsa-1")), pol("HS256", typ="at+jwt"), "alg_not_allowed")
    add(f, "prec_typ_before_kid", "6,5", "typ mismatched and kid unknown: typ_mismatch first.", make({"alg": "HS256", "typ": "JWT", "kid": "nope"}, STD_CLAIMS, "hs256"), k, pol("HS256", typ="at+jwt"), "typ_mismatch")
    add(f, "prec_alg_before_kid", "4,5", "alg not allowed and kid unknown: alg_not_allowed first.", make({"alg": "HS384", "kid": "nope"}, STD_CLAIMS, "hs384"), k, P, "alg_not_allowed")
    add(f, "prec_kid_before_signature", "5,7", "kid unknown and signature wrong: unknown_kid first.", make({"alg": "HS256", "kid": "nope"}, STD_CLAIMS, sig=bytes(32)), k, P, "unknown_kid", unchecked_sig="signature deliberately wrong")
    add(f, "prec_signature_before_claims", "7,8", "Expired AND wrongly signed: bad_signature (claims are never judged on unverified data).", make(std_hdr("HS256", "hs-1"), with_claims(exp=1), "hs256_b"), k, P, "bad_signature")
    add(f, "prec_signature_before_claim_types", "7,8", "exp of the wrong type AND wrongly signed: bad_signature.", make(std_hdr("HS256", "hs-1"), with_claims(exp="soon"), "hs256_b"), k, P, "bad_signature")
    add(f, "prec_weak_hmac_for_alg_before_signature", "7", "A 32-byte secret selected for HS512 with a wrong MAC: weak_key is decided before the MAC is computed.", make(std_hdr("HS512", "hs-1"), STD_CLAIMS, sig=bytes(64)), k, pol("HS512"), "weak_key", unchecked_sig="signature deliberately wrong")
    add(f, "prec_expired_before_issuer", "8", "Expired and wrong issuer: expired first.", std_token(claims=with_claims(exp=1, iss="https://evil.example/")), k, P, "expired")
    add(f, "prec_issuer_before_audience", "8", "Wrong issuer and wrong audience: issuer_mismatch first.", std_token(claims=with_claims(iss="https://evil.example/", aud="api://other")), k, P, "issuer_mismatch")
    add(f, "prec_nbf_before_iat", "8", "nbf and iat both in the future: not_yet_valid first.", std_token(claims=with_claims(iat=VNOW + 500, nbf=VNOW + 500)), k, P, "not_yet_valid")


def main():
    cases_structure()
    cases_base64()
    cases_json()
    cases_header()
    cases_algorithms()
    cases_key_selection()
    cases_key_strength()
    cases_signatures()
    cases_claims()
    cases_rfc()
    cases_precedence()
    total = 0
    for fname, doc in FILES.items():
        (HERE / fname).write_text(json.dumps(doc, indent=2, ensure_ascii=True) + "\n")
        total += len(doc["cases"])
        print(f"{fname}: {len(doc['cases'])} cases")
    print(f"total: {total} cases")


if __name__ == "__main__":
    main()
