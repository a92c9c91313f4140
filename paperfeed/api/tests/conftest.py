"""Fixtures of the API tests: users and papers as in the catalogue tests, a token,
and the recorded Hugging Face days ingested the way the schedule does it."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from paperfeed.catalog.tests.conftest import make_paper  # noqa: F401
from paperfeed.testing import shared_fixture

HF_DAYS = ["2024-05-29", "2024-07-05", "2025-03-17", "2025-10-03", "2026-08-21"]


@pytest.fixture
def token(alice):
    from paperfeed.api.tokens import token_create

    made, secret = token_create(user=alice, name="tests")
    return secret


def auth(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def hf_fixture(day: str):
    return shared_fixture(f"hf-daily-papers/daily_papers_date-{day}.json")


def ingest_hf_days(days=HF_DAYS) -> None:
    from paperfeed.ingest.services import hf_ingest

    hf_ingest(files=[str(hf_fixture(day)) for day in days])


@pytest.fixture
def hf_days(db):
    ingest_hf_days()
    return HF_DAYS


@pytest.fixture
def papers(db):
    """Three featured papers, one old-style id, one hidden."""
    return [
        make_paper("2307.08691", featured=date(2023, 7, 18), upstream_upvotes=30, organization="stanford",
                   code_url="https://github.com/Dao-AILab/flash-attention", title="FlashAttention-2"),
        make_paper("hep-th/9901001", featured=date(2023, 7, 18), title="An old-style paper",
                   published=datetime(1999, 1, 1, tzinfo=timezone.utc)),
        make_paper("2401.00001", featured=date(2023, 7, 19), title="Hidden paper", is_hidden=True),
    ]
