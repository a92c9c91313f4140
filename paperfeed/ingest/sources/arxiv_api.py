"""arXiv query API (``export.arxiv.org/api/query``), an Atom feed.

``parse_feed`` reads both formats in ``shared/fixtures/arxiv-api``: the 2026
backend (https links, unwrapped titles, feed-level opensearch elements) and the
2016 legacy one (hard-wrapped text, namespaces declared inline on each
``arxiv:*`` element, http links). The namespace URIs are the same in both, so
one set of ElementTree paths serves both.

``parse_xml`` is the one safe XML entry point, also used by the OAI parser.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from paperfeed.ingest.records import (
    ARXIV_API,
    CATEGORY,
    AuthorRecord,
    InvalidArxivId,
    PaperRecord,
    ParseProblem,
    ParseResult,
    SourceFormatError,
    VersionRecord,
    clean_text,
    split_arxiv_id,
)

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}
# arXiv reports a bad query as a one-entry feed whose id points here
# (https://arxiv.org/api/errors#... now, http://arxiv.org/api/errors#... before).
_ERROR_ID = re.compile(r"^https?://arxiv\.org/api/errors")
_DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/", re.IGNORECASE)
MAX_RESULTS_LIMIT = 2000  # arXiv refuses larger pages


def parse_xml(data: bytes | str, *, source: str, origin: str) -> Element:
    """Parse untrusted XML; bombs, DTDs and external entities are refused.

    arXiv never sends a DTD, so any DOCTYPE is treated as hostile.
    """
    try:
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        raise SourceFormatError(
            source, origin, f"unsafe XML refused ({type(exc).__name__}): DTDs and entities are not allowed"
        ) from exc
    except ParseError as exc:
        raise SourceFormatError(source, origin, f"malformed XML: {clean_text(str(exc))}") from exc


def parse_timestamp(value: str | None) -> datetime | None:
    """``2017-07-27T08:18:33Z`` (or with an offset) -> aware UTC datetime."""
    text = (value or "").strip()
    if not text:
        return None
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))  # ValueError on junk
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def unwrap_envelope(data: bytes | str, *, origin: str = "envelope") -> tuple[int, str]:
    """Split a recorded ``{"url", "status_code", "body"}`` envelope."""
    try:
        envelope = json.loads(data)
        return int(envelope["status_code"]), str(envelope["body"])
    except (ValueError, KeyError, TypeError) as exc:
        raise SourceFormatError(ARXIV_API, origin, f"not a recorded response envelope: {clean_text(str(exc))}") from exc


def _text(element: Element, path: str) -> str:
    found = element.find(path, NS)
    return clean_text(found.text) if found is not None and found.text else ""


def parse_feed(data: bytes | str, *, origin: str) -> ParseResult:
    """Parse one page of the arXiv API's Atom answer."""
    root = parse_xml(data, source=ARXIV_API, origin=origin)
    if root.tag != f"{{{NS['atom']}}}feed":
        raise SourceFormatError(ARXIV_API, origin, f"not an Atom feed (root element {root.tag!r})")
    entries = root.findall("atom:entry", NS)
    for entry in entries:
        if _ERROR_ID.match(_text(entry, "atom:id")):
            message = _text(entry, "atom:summary") or _text(entry, "atom:id")
            raise SourceFormatError(ARXIV_API, origin, f"arXiv API error: {message}")

    result = ParseResult()
    total = _text(root, "opensearch:totalResults")
    if total:
        try:
            result.total_results = int(total)
        except ValueError:
            raise SourceFormatError(ARXIV_API, origin, f"opensearch:totalResults is not a number: {total!r}") from None
    for index, entry in enumerate(entries):
        outcome = _parse_entry(entry, index)
        if isinstance(outcome, ParseProblem):
            result.problems.append(outcome)
        else:
            result.records.append(outcome)
    return result


def _parse_entry(entry: Element, index: int) -> PaperRecord | ParseProblem:
    raw_id = _text(entry, "atom:id")
    try:
        arxiv_id, version = split_arxiv_id(raw_id)
    except InvalidArxivId:
        return ParseProblem(ARXIV_API, f"entry {index}", f"entry id {raw_id!r} is not an arXiv abs URL")
    try:
        published = parse_timestamp(_text(entry, "atom:published"))
        updated = parse_timestamp(_text(entry, "atom:updated"))
    except ValueError as exc:
        return ParseProblem(ARXIV_API, arxiv_id, f"bad timestamp: {clean_text(str(exc))}")

    # The API only tells the latest version number, v1's date (published)
    # and this version's date (updated); the versions in between are unknown.
    versions = [VersionRecord(1, published)]
    if version and version > 1:
        versions.append(VersionRecord(version, updated))

    categories: list[str] = []
    primary = entry.find("arxiv:primary_category", NS)
    for element in ([primary] if primary is not None else []) + entry.findall("atom:category", NS):
        term = (element.get("term") or "").strip()
        if term and term not in categories:
            categories.append(term)

    authors = []
    for author in entry.findall("atom:author", NS):
        name = _text(author, "atom:name")
        if name:
            affiliations = [clean_text(a.text) for a in author.findall("arxiv:affiliation", NS) if a.text]
            authors.append(AuthorRecord(name=name, affiliation="; ".join(a for a in affiliations if a)))

    return PaperRecord(
        arxiv_id=arxiv_id,
        source=ARXIV_API,
        version=version,
        versions=tuple(versions),
        title=_text(entry, "atom:title"),
        abstract=_text(entry, "atom:summary"),
        authors=tuple(authors),
        categories=tuple(categories),
        primary_category=categories[0] if categories else "",
        published=published,
        updated=updated,
        doi=_doi(entry),
        journal_ref=_text(entry, "arxiv:journal_ref"),
        comment=_text(entry, "arxiv:comment"),
    )


def _doi(entry: Element) -> str:
    doi = _text(entry, "arxiv:doi")
    if doi:
        return doi
    # abs/pdf links are derivable from the id; only the doi link adds facts.
    for link in entry.findall("atom:link", NS):
        if link.get("title") == "doi" and link.get("href"):
            return _DOI_URL.sub("", link.get("href", "").strip())
    return ""


def build_search_query(*, categories: list[str], since: date | None = None, until: date | None = None) -> str:
    """``(cat:cs.AI OR cat:cs.CL) AND submittedDate:[202401010000 TO 202401312359]``."""
    cats: list[str] = []
    for raw in categories:
        category = (raw or "").strip()
        if not CATEGORY.match(category):
            raise ValueError(f"not an arXiv category: {raw!r} (expected e.g. cs.AI, hep-th, astro-ph.CO)")
        if category not in cats:
            cats.append(category)
    parts = []
    if cats:
        joined = " OR ".join(f"cat:{c}" for c in cats)
        parts.append(f"({joined})" if len(cats) > 1 else joined)
    if until is not None and since is None:
        raise ValueError("until needs since: arXiv date ranges have two ends")
    if since is not None:
        until = until or datetime.now(timezone.utc).date()
        if until < since:
            raise ValueError(f"until ({until}) is before since ({since})")
        parts.append(f"submittedDate:[{since:%Y%m%d}0000 TO {until:%Y%m%d}2359]")
    if not parts:
        raise ValueError("give at least one category or a since date")
    return " AND ".join(parts)


def fetch_query_page(
    client,
    *,
    base_url: str,
    search_query: str | None = None,
    id_list: list[str] | None = None,
    start: int = 0,
    max_results: int = 100,
) -> bytes:
    """One GET of the query API; returns the raw Atom bytes."""
    if not search_query and not id_list:
        raise ValueError("give search_query or id_list")
    if start < 0:
        raise ValueError(f"start must not be negative, got {start}")
    if not 1 <= max_results <= MAX_RESULTS_LIMIT:
        raise ValueError(f"max_results must be 1..{MAX_RESULTS_LIMIT}, got {max_results}")
    params: dict[str, str | int] = {}
    if search_query:
        params["search_query"] = search_query
    if id_list:
        for raw in id_list:
            split_arxiv_id(raw)  # InvalidArxivId is a ValueError
        params["id_list"] = ",".join(raw.strip() for raw in id_list)
    params["start"] = start
    params["max_results"] = max_results
    if not id_list:
        # Sorting an id_list makes no sense; arXiv returns ids in list order.
        params["sortBy"] = "submittedDate"
        params["sortOrder"] = "descending"
    # arXiv answers a bad query with HTTP 400 and an Atom error feed; take the
    # body so parse_feed can report arXiv's own explanation.
    return client.get(base_url, params=params, accept_statuses=(400,))
