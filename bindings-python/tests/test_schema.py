"""Schema: validate, is_valid, project, from_model, limits and refusals."""

from __future__ import annotations

import json
from typing import List, Optional

import pydantic
import pytest

from apiward import ConfigError, ProjectionError, Schema, ValidationError

from conftest import ROOT

W7 = json.loads((ROOT.parent / "shared" / "workloads" / "w7_small.json").read_text()) if (ROOT.parent / "shared" / "workloads" / "w7_small.json").exists() else None

USER = {
    "type": "object",
    "properties": {
        "email": {"type": "string", "format": "email"},
        "username": {"type": "string", "minLength": 3, "maxLength": 32, "pattern": "^[a-zA-Z0-9_]+$"},
        "age": {"type": "integer", "minimum": 13, "maximum": 120},
    },
    "required": ["email", "username", "age"],
}
OK = b'{"email":"ada@example.com","username":"ada_lovelace","age":36}'


def test_validate_inputs_and_result() -> None:
    s = Schema(USER)
    expected = {"email": "ada@example.com", "username": "ada_lovelace", "age": 36}
    for body in (OK, OK.decode(), bytearray(OK), memoryview(OK)):
        assert s.validate(body) == expected
        assert s.is_valid(body)
    assert Schema(json.dumps(USER)).validate(OK) == expected and Schema(json.dumps(USER).encode()).validate(OK) == expected


def test_errors_name_every_field_and_never_the_value() -> None:
    body = b'{"email":"nope","username":"x!","age":9999,"is_admin":true}'
    with pytest.raises(ValidationError) as e:
        Schema(USER).validate(body)
    assert [(x["path"], x["code"]) for x in e.value.errors] == [
        ("/email", "format"), ("/username", "too_short"), ("/username", "pattern"), ("/age", "maximum"), ("/is_admin", "unknown_field")
    ]
    assert e.value.code == "format"
    text = json.dumps(e.value.errors) + str(e.value)
    assert "9999" not in text and "nope" not in text


def test_limits() -> None:
    s = Schema({"type": "array", "items": {"type": "array"}}, max_bytes=64, max_depth=2, max_array_items=3)
    assert s.max_bytes == 64 and s.max_depth == 2
    for body, code in ((b"[[[]]]", "too_deep"), (b"[" + b"[]," * 30 + b"[]]", "too_large"), (b"[[],[],[],[]]", "array_too_large")):
        with pytest.raises(ValidationError) as e:
            s.validate(body)
        assert e.value.code == code
    long = Schema({"type": "string"}, max_string_bytes=4, max_number_len=3)
    with pytest.raises(ValidationError):
        long.validate(b'"abcde"')
    with pytest.raises(ValidationError) as e:
        Schema({"type": "object", "additionalProperties": True}, max_object_members=1).validate(b'{"a":1,"b":2}')
    assert e.value.code == "object_too_large"
    with pytest.raises(ConfigError):
        Schema(USER, max_depth=0)


def test_large_body_validated_without_the_gil() -> None:
    s = Schema({"type": "array", "items": {"type": "integer"}}, max_bytes=1 << 20, max_array_items=100_000)
    body = json.dumps(list(range(30_000))).encode()
    assert len(body) > 64 * 1024 and s.validate(body)[-1] == 29_999


def test_unsupported_keywords_refused() -> None:
    with pytest.raises(ConfigError) as e:
        Schema({"type": "object", "properties": {"a": {"type": "string", "foo": 1}}})
    assert e.value.code == "unsupported_keyword" and "/properties/a/foo" in str(e.value)
    with pytest.raises(ConfigError):
        Schema("{not json")


def test_project() -> None:
    view = Schema({"type": "object", "properties": {"id": {"type": "integer"}, "tags": {"type": "array", "items": {"type": "string"}}}})
    doc = {"id": 7, "password_hash": "x", "tags": ["a"], "internal": {"a": 1}}
    assert view.project(doc) == {"id": 7, "tags": ["a"]}
    assert view.project(json.dumps(doc).encode()) == b'{"id":7,"tags":["a"]}'
    with pytest.raises(ProjectionError) as e:
        view.project({"id": "seven"})
    assert e.value.code == "type"


class Address(pydantic.BaseModel):
    street: str = pydantic.Field(max_length=64)
    zip: str = pydantic.Field(pattern=r"^[0-9]{5}$")


class Customer(pydantic.BaseModel):
    name: str = pydantic.Field(min_length=1, max_length=64)
    age: int = pydantic.Field(ge=0, le=150)
    address: Optional[Address] = None
    tags: List[str] = []


def test_from_model() -> None:
    s = Schema.from_model(Customer, max_bytes=4096)
    assert s.max_bytes == 4096
    ok = {"name": "Ada", "age": 36, "address": {"street": "Main", "zip": "12345"}, "tags": ["x"]}
    assert s.validate(json.dumps(ok)) == ok
    assert Customer.model_validate(s.validate(json.dumps(ok))).name == "Ada"
    with pytest.raises(ValidationError) as e:
        s.validate(json.dumps({"name": "", "age": 200, "address": {"street": "x", "zip": "1"}, "admin": True}))
    assert [(x["path"], x["code"]) for x in e.value.errors] == [
        ("/name", "too_short"), ("/age", "maximum"), ("/address/zip", "pattern"), ("/admin", "unknown_field")
    ]
    assert s.validate('{"name":"A","age":1,"address":null}')["address"] is None
