"""Hugging Face Daily Papers (``GET /api/daily_papers``).

Fetching and parsing are separate: ``fetch_daily_papers`` only asks the
injected HTTP client for raw pages, ``parse_daily_papers`` turns one page into
records without touching the network or Django.

What the recorded responses (``shared/fixtures/hf-daily-papers``) taught us:

* The listing day is ``paper.submittedOnDailyAt`` (present since 2025-03-17):
  its date equals the ``date=`` asked for in all 823 items that carry it.
  Before that field existed, the top-level ``publishedAt`` was the moment the
  paper was put on the list and its date equals the listing day (11 of 11
  items). From 2025-03 on, the top-level ``publishedAt`` is *not* a listing
  time any more: it is ``paper.publishedAt`` (arXiv publication) shifted by
  -4 h / -5 h (US Eastern wall-clock time labelled "Z"), so it never matches
  the listing day. Hence day and ``featured_at`` prefer submittedOnDailyAt.
* The oldest schema's ``mediaUrl`` is the social-card thumbnail
  (``cdn-thumbnails.huggingface.co/social-thumbnails/...``), the very image
  the later ``thumbnail`` field holds; it is mapped to ``thumbnail_url``.
  ``mediaUrls`` (2024-06 on) are real uploads (videos, gifs) of the authors.
* ``organization`` and ``mediaUrls`` appear both on the item and inside
  ``paper`` with the same value; either is accepted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime, timezone
from typing import Any

from paperfeed.ingest.records import (
    HF_DAILY,
    AuthorRecord,
    FeatureRecord,
    InvalidArxivId,
    OrganizationRecord,
    PaperRecord,
    ParseProblem,
    ParseResult,
    SourceFormatError,
    SubmitterRecord,
    clean_text,
    split_arxiv_id,
)

HF_SITE = "https://huggingface.co"

_FILENAME_DAY = re.compile(r"(?:^|[^0-9])(\d{4})-(\d{2})-(\d{2})\.json$")
_DATE_PARAM = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WEEK_PARAM = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH_PARAM = re.compile(r"^(\d{4})-(\d{2})$")


# --- small, forgiving readers: one odd field must not sink the whole item ---

def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _int(value: Any) -> int | None:
    # bool is an int subclass; a JSON true is not a count.
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _datetime(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def absolute_url(url: str) -> str:
    """HF gives default avatars as site-relative paths (``/avatars/x.svg``)."""
    url = url.strip()
    if url.startswith("/") and not url.startswith("//"):
        return HF_SITE + url
    return url


# --- parse ---------------------------------------------------------------

def parse_daily_papers(
    data: bytes | str, *, origin: str, listing_day: date | None = None
) -> ParseResult:
    """Parse one ``/api/daily_papers`` body (a JSON list of items)."""
    try:
        body = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SourceFormatError(HF_DAILY, origin, f"not valid JSON: {clean_text(str(exc))}") from exc
    if isinstance(body, dict) and "error" in body:
        # The API answers bad parameters with {"error": "..."} (and a 4xx).
        raise SourceFormatError(HF_DAILY, origin, f"Hugging Face error: {clean_text(str(body['error']))}")
    if not isinstance(body, list):
        raise SourceFormatError(HF_DAILY, origin, f"expected a JSON list of items, got {type(body).__name__}")

    result = ParseResult()
    for index, item in enumerate(body):
        outcome = _parse_item(item, index, listing_day)
        if isinstance(outcome, ParseProblem):
            result.problems.append(outcome)
        else:
            result.records.append(outcome)
    return result


def _parse_item(item: Any, index: int, listing_day: date | None) -> PaperRecord | ParseProblem:
    where = f"item {index}"
    if not isinstance(item, dict):
        return ParseProblem(HF_DAILY, where, f"item is not a JSON object (got {type(item).__name__})")
    paper = item.get("paper")
    if not isinstance(paper, dict):
        return ParseProblem(HF_DAILY, where, "item has no 'paper' object")
    raw_id = _str(paper.get("id"))
    if not raw_id:
        return ParseProblem(HF_DAILY, where, "paper has no id")
    try:
        arxiv_id, version = split_arxiv_id(raw_id)
    except InvalidArxivId:
        return ParseProblem(HF_DAILY, f"{where} ({raw_id})", f"paper id {raw_id!r} is not an arXiv id")

    listed_at = _datetime(paper.get("submittedOnDailyAt")) or _datetime(item.get("publishedAt"))
    day = listing_day or (listed_at.date() if listed_at else None)
    if day is None:
        return ParseProblem(HF_DAILY, arxiv_id, "cannot tell the listing day (no date given, no usable timestamp)")

    thumbnail = _str(item.get("thumbnail"))
    media = item.get("mediaUrls") or paper.get("mediaUrls") or []
    media_urls = [u.strip() for u in media if isinstance(u, str) and u.strip()] if isinstance(media, list) else []
    legacy_media = _str(item.get("mediaUrl"))
    if legacy_media:
        # Oldest schema: a single social-card image, i.e. the thumbnail.
        if "social-thumbnails" in legacy_media and not thumbnail:
            thumbnail = legacy_media
        elif legacy_media not in media_urls:
            media_urls.append(legacy_media)

    keywords = paper.get("ai_keywords")
    stars = _int(paper.get("githubStars"))
    return PaperRecord(
        arxiv_id=arxiv_id,
        source=HF_DAILY,
        version=version,  # HF lists bare ids, so this stays None in practice
        title=clean_text(_str(paper.get("title")) or _str(item.get("title"))),
        abstract=clean_text(_str(paper.get("summary")) or _str(item.get("summary"))),
        authors=_authors(paper.get("authors")),
        published=_datetime(paper.get("publishedAt")),
        code_url=_str(paper.get("githubRepo")),
        project_url=_str(paper.get("projectPage")),
        feature=FeatureRecord(day=day, featured_at=listed_at, submitter=_submitter(item, paper)),
        observed_at=listed_at or datetime.combine(day, datetime.min.time(), tzinfo=timezone.utc),
        upstream_upvotes=_int(paper.get("upvotes")),
        organization=_organization(item.get("organization") or paper.get("organization")),
        ai_summary=clean_text(_str(paper.get("ai_summary"))),
        ai_keywords=tuple(
            clean_text(k) for k in (keywords if isinstance(keywords, list) else []) if isinstance(k, str) and k.strip()
        ),
        github_stars=stars if stars is not None else _int(item.get("githubStars")),
        num_comments=_int(item.get("numComments")),
        thumbnail_url=thumbnail,
        media_urls=tuple(media_urls),
        hf_discussion_id=_str(paper.get("discussionId")),
    )


def _authors(raw: Any) -> tuple[AuthorRecord, ...]:
    authors = []
    for entry in raw if isinstance(raw, list) else []:
        if not isinstance(entry, dict):
            continue
        name = clean_text(_str(entry.get("name")))
        # "hidden" hides the link to the HF account, not the person: in the
        # fixtures the one hidden author is a paper's real first author.
        hf_user = "" if entry.get("hidden") is True else _str(_dict(entry.get("user")).get("user"))
        if name:
            authors.append(AuthorRecord(name=name, hf_user=hf_user))
    return tuple(authors)


def _submitter(item: dict, paper: dict) -> SubmitterRecord | None:
    # Top-level submittedBy (2024-06 on) spells the handle "name";
    # paper.submittedOnDailyBy (2025-03 on) spells it "user".
    top = _dict(item.get("submittedBy"))
    nested = _dict(paper.get("submittedOnDailyBy"))
    handle = _str(top.get("name")) or _str(nested.get("user"))
    if not handle:
        return None
    source = top if _str(top.get("name")) else nested
    return SubmitterRecord(
        handle=handle,
        full_name=clean_text(_str(source.get("fullname"))),
        avatar_url=absolute_url(_str(source.get("avatarUrl"))),
    )


def _organization(raw: Any) -> OrganizationRecord | None:
    org = _dict(raw)
    name = _str(org.get("name"))
    if not name:
        return None
    return OrganizationRecord(
        name=name,
        full_name=clean_text(_str(org.get("fullname"))),
        avatar_url=absolute_url(_str(org.get("avatar"))),
    )


def listing_day_from_filename(name: str) -> date | None:
    """``daily_papers_date-2024-05-29.json`` or ``2024-05-29.json`` -> that day."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    match = _FILENAME_DAY.search(base)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


# --- fetch ---------------------------------------------------------------

def _period_param(date_: str | None, week: str | None, month: str | None) -> tuple[str, str]:
    given = [(k, v) for k, v in (("date", date_), ("week", week), ("month", month)) if v is not None]
    if len(given) != 1:
        raise ValueError("give exactly one of date (YYYY-MM-DD), week (YYYY-Www) or month (YYYY-MM)")
    key, value = given[0]
    try:
        if key == "date":
            if not _DATE_PARAM.match(value):
                raise ValueError
            date.fromisoformat(value)
        elif key == "week":
            m = _WEEK_PARAM.match(value)
            if not m:
                raise ValueError
            date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        else:
            m = _MONTH_PARAM.match(value)
            if not m or not 1 <= int(m.group(2)) <= 12:
                raise ValueError
    except ValueError:
        shape = {"date": "YYYY-MM-DD", "week": "YYYY-Www", "month": "YYYY-MM"}[key]
        raise ValueError(f"invalid {key} {value!r}: expected a real {shape}") from None
    return key, value


def fetch_daily_papers(
    client,
    *,
    base_url: str,
    date: str | None = None,
    week: str | None = None,
    month: str | None = None,
    limit: int = 100,
) -> Iterator[bytes]:
    """Yield raw page bodies of one day/week/month listing, page by page.

    Arguments are checked at call time, not at the first ``next()``.
    """
    key, value = _period_param(date, week, month)
    if limit < 1:
        raise ValueError(f"limit must be positive, got {limit}")
    return _pages(client, base_url.rstrip("/") + "/daily_papers", {key: value}, limit)


def _pages(client, url: str, period: dict[str, str], limit: int) -> Iterator[bytes]:
    page = 0
    previous: bytes | None = None
    while True:
        body = client.get(url, params={**period, "p": page, "limit": limit})
        if body == previous:
            # A server that ignores ``p`` would hand back the same full page
            # forever; stop rather than loop.
            return
        yield body
        try:
            items = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return  # the parser reports the malformed page; nothing to page on
        if not isinstance(items, list) or len(items) < limit:
            return
        previous = body
        page += 1
