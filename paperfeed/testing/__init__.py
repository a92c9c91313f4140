"""Helpers shared by the test suite and the benchmarks (not used at run time)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[2]


def shared_fixtures_dir() -> Path:
    """The recorded real responses: ``../shared/fixtures`` beside the checkout.

    ``PAPERFEED_FIXTURES_DIR`` overrides the location.
    """
    override = os.environ.get("PAPERFEED_FIXTURES_DIR")
    return Path(override) if override else REPO_DIR.parent / "shared" / "fixtures"


def shared_fixture(relative: str) -> Path:
    """Path of one shared fixture; skips the test when it is absent, but fails under CI."""
    import pytest

    path = shared_fixtures_dir() / relative
    if not path.exists():
        message = f"shared fixture {path} is missing (set PAPERFEED_FIXTURES_DIR)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    return path
