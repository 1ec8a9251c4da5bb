#!/usr/bin/env python3
"""Check that every JWT vector file in this directory follows the format in README.md.

Standard library only: `python3 tests/vectors/jwt/check_format.py`. Exits non-zero and
lists every problem if any file or case is off-format; otherwise prints case counts per
file and per expected code.
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOT_VECTORS = {"keys.json"}  # the generator's private test keys
CODES = {
    "malformed", "token_too_large", "duplicate_member", "alg_not_allowed", "unknown_kid",
    "ambiguous_key", "key_alg_mismatch", "bad_signature", "expired", "not_yet_valid",
    "issued_in_future", "token_too_old", "issuer_mismatch", "audience_mismatch",
    "missing_claim", "invalid_claim", "typ_mismatch", "unsupported_crit", "nested_jwt",
    "weak_key", "invalid_key",
}
CASE_FIELDS = {"name", "rule", "description", "token", "keys", "policy", "now", "expect"}
POLICY_TYPES = {
    "algorithms": "strlist", "issuer": "strlist", "audience": "strlist", "leeway": "uint",
    "max_token_bytes": "posint", "require": "strlist", "typ": "str", "max_age": "uint", "allow_missing_exp": "bool",
}
REGISTERED = {"iss", "sub", "aud", "exp", "nbf", "iat", "jti"}
PRIVATE_JWK_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "oth"}
NAME_RE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")
RULE_RE = re.compile(r"^[1-8](,[1-8])*$")


def is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def check_jwk(jwk, where, errors):
    if not isinstance(jwk, dict):
        errors.append(f"{where}: JWK is not an object")
        return
    if not isinstance(jwk.get("kty"), str):
        errors.append(f"{where}: JWK without string kty")
    leaked = PRIVATE_JWK_MEMBERS & set(jwk)
    if leaked:
        errors.append(f"{where}: private JWK members present: {sorted(leaked)}")


def check_keys(keys, where, errors):
    if not isinstance(keys, dict):
        errors.append(f"{where}: keys is not an object")
    elif "keys" in keys:
        if set(keys) != {"keys"} or not isinstance(keys["keys"], list):
            errors.append(f"{where}: a JWKS must be exactly {{\"keys\": [...]}}")
        else:
            for i, jwk in enumerate(keys["keys"]):
                check_jwk(jwk, f"{where}.keys[{i}]", errors)
    else:
        check_jwk(keys, f"{where}.keys", errors)


def check_policy(policy, where, errors):
    if not isinstance(policy, dict):
        errors.append(f"{where}: policy is not an object")
        return
    if "algorithms" not in policy:
        errors.append(f"{where}: policy.algorithms is required")
    for key, value in policy.items():
        kind = POLICY_TYPES.get(key)
        ok = {
            None: False,
            "strlist": isinstance(value, list) and all(isinstance(v, str) for v in value),
            "uint": is_int(value) and value >= 0,
            "posint": is_int(value) and value > 0,
            "bool": isinstance(value, bool),
            "str": isinstance(value, str),
        }[kind]
        if not ok:
            errors.append(f"{where}: policy.{key} is unknown or of the wrong type")
    if isinstance(policy.get("algorithms"), list) and not policy["algorithms"]:
        errors.append(f"{where}: policy.algorithms is empty")
    for name in policy.get("require", []) if isinstance(policy.get("require"), list) else []:
        if name not in REGISTERED:
            errors.append(f"{where}: policy.require names {name!r}, not a registered claim")


def check_expect(expect, where, errors):
    if not isinstance(expect, dict) or not isinstance(expect.get("valid"), bool):
        errors.append(f"{where}: expect.valid must be a boolean")
        return None
    if expect["valid"]:
        if set(expect) != {"valid", "claims"} or not isinstance(expect["claims"], dict):
            errors.append(f"{where}: a valid expectation is exactly {{valid: true, claims: {{...}}}}")
        return "valid"
    if set(expect) != {"valid", "code"}:
        errors.append(f"{where}: an invalid expectation is exactly {{valid: false, code}}")
    if expect.get("code") not in CODES:
        errors.append(f"{where}: code {expect.get('code')!r} is not in the allowed list")
    return expect.get("code")


def main() -> int:
    errors: list[str] = []
    names: dict[str, str] = {}
    per_file: Counter = Counter()
    per_code: Counter = Counter()
    files = sorted(p for p in HERE.glob("*.json") if p.name not in NOT_VECTORS)
    if not files:
        errors.append("no vector files found")
    for path in files:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            errors.append(f"{path.name}: not valid JSON: {e}")
            continue
        if not isinstance(doc, dict) or set(doc) != {"description", "cases"}:
            errors.append(f"{path.name}: top level must be exactly {{description, cases}}")
            continue
        if not isinstance(doc["description"], str) or not isinstance(doc["cases"], list) or not doc["cases"]:
            errors.append(f"{path.name}: description must be a string and cases a non-empty list")
            continue
        for i, case in enumerate(doc["cases"]):
            where = f"{path.name}[{i}]"
            if not isinstance(case, dict):
                errors.append(f"{where}: case is not an object")
                continue
            missing, extra = CASE_FIELDS - set(case), set(case) - CASE_FIELDS
            if missing or extra:
                errors.append(f"{where}: missing {sorted(missing)} / unknown {sorted(extra)} fields")
            name = case.get("name")
            if not isinstance(name, str) or not NAME_RE.match(name):
                errors.append(f"{where}: name {name!r} is not snake_case")
            elif name in names:
                errors.append(f"{where}: name {name!r} already used in {names[name]}")
            else:
                names[name] = path.name
                where = f"{path.name}:{name}"
            if not isinstance(case.get("rule"), str) or not RULE_RE.match(case["rule"]):
                errors.append(f"{where}: rule must be a string like \"3\" or \"4,5\"")
            if not isinstance(case.get("description"), str) or not case["description"].strip():
                errors.append(f"{where}: description must be a non-empty string")
            if not isinstance(case.get("token"), str):
                errors.append(f"{where}: token must be a string")
            if not is_int(case.get("now")):
                errors.append(f"{where}: now must be an integer")
            check_keys(case.get("keys"), where, errors)
            check_policy(case.get("policy"), where, errors)
            code = check_expect(case.get("expect"), where, errors)
            per_file[path.name] += 1
            per_code[code] += 1
    if errors:
        print("\n".join(errors))
        print(f"{len(errors)} problem(s)")
        return 1
    for name in sorted(per_file):
        print(f"{name:22} {per_file[name]:4}")
    print(f"{'total':22} {sum(per_file.values()):4}")
    print()
    for code, count in sorted(per_code.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        print(f"{code!s:22} {count:4}")
    unused = CODES - set(per_code)
    if unused:
        print(f"codes with no case: {sorted(unused)}")
    print(f"{len(files)} vector files, {sum(per_file.values())} cases: format OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
