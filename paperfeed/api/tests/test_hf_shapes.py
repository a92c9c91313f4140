"""The daily list answers with the names, types and date format of Hugging Face's
recorded answers, for every schema era of the fixtures."""

from __future__ import annotations

import json
import re

import pytest

from .conftest import HF_DAYS, hf_fixture

pytestmark = pytest.mark.django_db

HF_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
ITEM_KEYS = {"paper", "publishedAt", "title", "summary", "mediaUrls", "thumbnail", "numComments", "submittedBy",
             "organization", "isAuthorParticipating"}
PAPER_KEYS = {"id", "authors", "publishedAt", "submittedOnDailyAt", "submittedOnDailyBy", "title", "summary", "upvotes",
              "discussionId", "githubRepo", "githubStars", "projectPage", "organization", "ai_summary", "ai_keywords",
              "mediaUrls"}


def recorded(day: str) -> list[dict]:
    return json.loads(hf_fixture(day).read_text())


def types_of(value) -> type:
    return {bool: bool, int: int, str: str, list: list, dict: dict}[type(value)]


@pytest.mark.parametrize("day", HF_DAYS)
def test_a_recorded_day_is_answered_with_the_same_papers_names_and_types(client, hf_days, day):
    upstream = recorded(day)
    ours = client.get("/api/daily_papers", {"date": day, "limit": 100}).json()
    assert sorted(i["paper"]["id"] for i in ours) == sorted({i["paper"]["id"] for i in upstream})
    theirs = {i["paper"]["id"]: i for i in upstream}
    for item in ours:
        original = theirs[item["paper"]["id"]]
        assert set(item) <= ITEM_KEYS and set(item["paper"]) <= PAPER_KEYS
        assert {"paper", "publishedAt", "title", "summary", "numComments", "isAuthorParticipating"} <= set(item)
        for key, value in item.items():  # a field both have has the same JSON type
            if key in original:
                assert types_of(value) is types_of(original[key]), key
        for key, value in item["paper"].items():
            if key in original["paper"]:
                assert types_of(value) is types_of(original["paper"][key]), f"paper.{key}"
        assert HF_DATE.match(item["publishedAt"]) and HF_DATE.match(item["paper"]["submittedOnDailyAt"])
        assert item["publishedAt"].startswith(day)  # top level: when it was put on the list
        assert item["paper"]["publishedAt"] == original["paper"]["publishedAt"]  # arXiv publication
        # One person, one spelling: "Yu-gang Jiang" is listed as the "Yu-Gang Jiang" of an earlier paper.
        assert [a["name"].casefold() for a in item["paper"]["authors"]] == [
            " ".join(a["name"].split()).casefold() for a in original["paper"]["authors"]]
        assert all(set(a) <= {"_id", "name", "hidden", "user"} and re.fullmatch(r"[0-9a-f]{24}", a["_id"])
                   for a in item["paper"]["authors"])
        assert item["paper"]["upvotes"] == original["paper"]["upvotes"]
        for key in ("githubRepo", "projectPage", "discussionId", "githubStars"):
            value = original["paper"].get(key)
            assert item["paper"].get(key) == (value.strip() or None if isinstance(value, str) else value), key
        org = original.get("organization") or original["paper"].get("organization")
        assert (item.get("organization") or {}).get("name") == (org or {}).get("name")
        if "submittedBy" in original:
            assert item["submittedBy"]["name"] == original["submittedBy"]["name"]


def test_claimed_authors_carry_their_hugging_face_user(client, hf_days):
    items = client.get("/api/daily_papers", {"date": "2026-08-21", "limit": 100}).json()
    users = [a["user"] for i in items for a in i["paper"]["authors"] if "user" in a]
    assert users and all(u["user"] and u["type"] == "user" for u in users)
    assert any(i["isAuthorParticipating"] for i in items)
