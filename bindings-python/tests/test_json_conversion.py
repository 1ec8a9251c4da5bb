"""The JSON → Python conversion agrees with json.loads on every JSONTestSuite text the core accepts."""

from __future__ import annotations

import json
import math
from typing import Any, Dict

import pytest

from apiward import Schema, ValidationError

from conftest import load_vectors

SUITE = load_vectors("json/json_test_suite.json")
ANY = Schema({}, max_depth=64, max_number_len=1 << 20, max_string_bytes=1 << 20)


def case_bytes(case: Dict[str, Any]) -> bytes:
    if "hex" in case:
        return bytes.fromhex(case["hex"])
    return b"".join(bytes.fromhex(part["hex"]) * part.get("count", 1) for part in case["parts"])


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return bool(a == b)


@pytest.mark.parametrize("case", SUITE["cases"], ids=lambda c: c["name"])
def test_agrees_with_json_loads(case: Dict[str, Any]) -> None:
    body = case_bytes(case)
    try:
        ours = ANY.validate(body)
    except ValidationError as error:
        # Duplicate member names are valid JSON that apiward refuses on purpose (RFC 8259 §4: "SHOULD be unique").
        assert case["expect"] != "accept" or error.code == "duplicate_key", f"valid JSON refused: {error.code}"
        return
    assert case["expect"] != "reject"
    assert same(ours, json.loads(body)), case["name"]
