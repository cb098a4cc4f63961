"""Fixtures of the robustness suite (the autouse cache-dir fixture comes from tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .harness import isolated_env


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """The directory a case's files live in and the process runs in."""
    path = tmp_path / "work"
    path.mkdir()
    return path


@pytest.fixture
def env(tmp_path: Path, isolated_cache: Path) -> dict[str, str]:
    """The environment of a run: this test's cache dir, a private HOME, UTF-8 I/O."""
    return isolated_env(tmp_path, isolated_cache)
