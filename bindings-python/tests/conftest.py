"""Shared fixtures: paths to the cross-language vectors and the fixed clock of the workloads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"
NOW = 1_800_000_000


def load_vectors(relative: str) -> Any:
    return json.loads((VECTORS / relative).read_text(encoding="utf-8"))


@pytest.fixture
def hs_secret() -> bytes:
    return bytes(range(32))
