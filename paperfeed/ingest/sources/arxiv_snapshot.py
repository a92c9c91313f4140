"""Kaggle "arxiv-metadata-oai-snapshot": one JSON object per line.

The full snapshot is several GB, so ``iter_snapshot`` works one line at a time
and yields as it goes; callers pass an open file (or any iterable of lines).

Notes from the recorded sample (``shared/fixtures/arxiv-metadata-sample``):

* ``authors_parsed`` entries are ``[last, first, suffix]`` and sometimes carry
  a fourth element: the affiliation arXiv found in parentheses, e.g.
  ``["Biryukov", "V. M.", "", "Serpukhov, IHEP"]``. Footnote markers such as
  ``"1 and 2"`` (pointing at a numbered affiliation list in the raw string) are
  not affiliations and are dropped.
* ``authors_parsed`` has accents resolved (``Balázs``) where the raw
  ``authors`` string keeps TeX (``Bal\\'azs``), hence it is preferred.
* ``update_date`` is when arXiv last touched the metadata, not a version date,
  so it is not used for ``updated``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from paperfeed.ingest.records import (
    ARXIV_SNAPSHOT,
    AuthorRecord,
    InvalidArxivId,
    PaperRecord,
    ParseProblem,
    VersionRecord,
    clean_text,
    split_arxiv_id,
)

_VERSION = re.compile(r"^v(\d+)$")
_FOOTNOTE_MARK = re.compile(r"^[\d\s,;&*]*(?:and[\d\s,;&*]*)*$")
_RAW_AUTHOR_SPLIT = re.compile(r",\s*|\s+and\s+")


class _BadRecord(ValueError):
    """One line's data is unusable; becomes a ParseProblem."""


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _created(value: Any) -> datetime:
    # "Mon, 2 Apr 2007 19:18:42 GMT" is an RFC 2822 date.
    try:
        parsed = parsedate_to_datetime(_str(value))
    except (TypeError, ValueError, IndexError):
        raise _BadRecord(f"unreadable version date {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def iter_snapshot(lines: Iterable[str | bytes], *, origin: str) -> Iterator[PaperRecord | ParseProblem]:
    """Yield one PaperRecord (or ParseProblem) per non-blank line.

    ``origin`` names the file; problems carry ``line N`` so a user can find
    the line in it.
    """
    for number, raw in enumerate(lines, start=1):
        where = f"line {number}"
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield ParseProblem(ARXIV_SNAPSHOT, where, f"{origin}: not UTF-8 text")
                continue
        text = raw.lstrip("\ufeff").strip()
        if not text:
            continue
        try:
            data = json.loads(text)
        except ValueError as exc:
            yield ParseProblem(ARXIV_SNAPSHOT, where, f"not valid JSON: {clean_text(str(exc))}")
            continue
        if not isinstance(data, dict):
            yield ParseProblem(ARXIV_SNAPSHOT, where, f"expected a JSON object, got {type(data).__name__}")
            continue
        raw_id = _str(data.get("id")).strip()
        if raw_id:
            where = f"line {number} ({raw_id})"
        try:
            yield _record(data, raw_id)
        except (_BadRecord, InvalidArxivId) as exc:
            yield ParseProblem(ARXIV_SNAPSHOT, where, clean_text(str(exc)))


def _record(data: dict, raw_id: str) -> PaperRecord:
    if not raw_id:
        raise _BadRecord("record has no id")
    arxiv_id, _ = split_arxiv_id(raw_id)
    title = clean_text(_str(data.get("title")))
    if not title:
        raise _BadRecord("record has no title")

    numbered: dict[int, datetime] = {}
    for entry in data.get("versions") or []:
        match = _VERSION.match(_str(entry.get("version")).strip()) if isinstance(entry, dict) else None
        if not match:
            raise _BadRecord(f"unreadable version entry {entry!r}")
        numbered[int(match.group(1))] = _created(entry.get("created"))
    versions = tuple(VersionRecord(n, numbered[n]) for n in sorted(numbered))
    latest = versions[-1] if versions else None

    categories: list[str] = []
    for category in _str(data.get("categories")).split():
        if category not in categories:
            categories.append(category)

    return PaperRecord(
        arxiv_id=arxiv_id,
        source=ARXIV_SNAPSHOT,
        version=latest.number if latest else None,
        versions=versions,
        title=title,
        abstract=clean_text(_str(data.get("abstract"))),
        authors=_authors(data),
        categories=tuple(categories),
        primary_category=categories[0] if categories else "",
        published=numbered.get(1),
        updated=latest.submitted if latest else None,
        doi=clean_text(_str(data.get("doi"))),
        journal_ref=clean_text(_str(data.get("journal-ref"))),
        comment=clean_text(_str(data.get("comments"))),
        license=clean_text(_str(data.get("license"))),
    )


def _authors(data: dict) -> tuple[AuthorRecord, ...]:
    parsed = data.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        authors = []
        for entry in parsed:
            if not isinstance(entry, list):
                continue
            parts = [clean_text(_str(p)) for p in entry] + ["", "", "", ""]
            last, first, suffix, affiliation = parts[:4]
            name = clean_text(f"{first} {last} {suffix}")
            if _FOOTNOTE_MARK.match(affiliation):
                affiliation = ""
            if name:
                authors.append(AuthorRecord(name=name, affiliation=affiliation))
        if authors:
            return tuple(authors)
    # Fallback: the raw "A. One, B. Two and C. Three" string, TeX left as is.
    raw = clean_text(_str(data.get("authors")))
    return tuple(AuthorRecord(name=name) for name in _RAW_AUTHOR_SPLIT.split(raw) if name.strip())
