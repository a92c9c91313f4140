"""Tests of the source parsers and fetch helpers (pure: no network, no DB)."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


def data_file(name: str) -> Path:
    """One of our own small hand-made fixtures (see data/README.md)."""
    return DATA_DIR / name


class FakeClient:
    """Stands in for paperfeed.lib.http's client: records calls, returns canned bodies."""

    def __init__(self, *bodies: bytes):
        self.bodies = list(bodies)
        self.calls: list[tuple[str, dict | None]] = []

    def get(self, url: str, *, params: dict | None = None, accept_statuses=()) -> bytes:
        self.calls.append((url, params))
        if not self.bodies:
            raise AssertionError(f"unexpected extra request: {url} {params}")
        return self.bodies.pop(0)
