"""The exceptions of apiward: one base class, each carrying the core's stable ``.code``.

Messages are fixed English sentences chosen by the core; they never contain a token, a secret or a
value from the request.
"""

from __future__ import annotations

from typing import List, TypedDict

__all__ = [
    "ApiwardError",
    "ConfigError",
    "ErrorDetail",
    "JwtError",
    "ProjectionError",
    "ValidationError",
]


class ApiwardError(Exception):
    """Base class of every apiward error; ``code`` is stable across Rust, Python and Node."""

    code: str
    message: str

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r})"


class ConfigError(ApiwardError, ValueError):
    """A bad argument, refused at construction (unknown algorithm, weak key, unsupported keyword…)."""


class JwtError(ApiwardError):
    """A token was rejected; ``code`` names the rule it broke (``expired``, ``bad_signature``…)."""


class ErrorDetail(TypedDict):
    """One validation error: where (a JSON Pointer), which rule, and a fixed sentence."""

    path: str
    code: str
    message: str


class ValidationError(ApiwardError):
    """A request body was rejected; ``errors`` lists every failing field (up to 32), in document order."""

    errors: List[ErrorDetail]

    def __init__(self, message: str, code: str, errors: List[ErrorDetail]) -> None:
        super().__init__(message, code)
        self.errors = errors


class ProjectionError(ApiwardError):
    """A response document could not be projected (not JSON, or a type the schema does not allow)."""
