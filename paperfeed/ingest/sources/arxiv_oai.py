"""arXiv OAI-PMH (``export.arxiv.org/oai2``): ListRecords / GetRecord.

Two metadata formats are read:

* ``arXiv`` - arXiv's own schema: keyname/forenames authors, space-separated
  categories (primary first), created/updated dates, doi, journal-ref, license.
  It does not say which version is the latest: ``updated`` only implies v2+.
* ``oai_dc`` - Dublin Core. Its ``dc:subject`` values are human-readable
  ("Computer Science - Data Structures and Algorithms"), so oai_dc gives **no
  category codes**; the header ``setSpec`` ("cs") names a harvesting set, not a
  category, and is not used either. Subjects that already look like arXiv
  codes (cs.DS) are kept. Each version adds one ``dc:date``.

Elements are matched by local name: one real file in the fixtures
(``sample_arxiv_record.xml``) has an ``<arXiv>`` element without its xmlns,
so it sits in the OAI namespace instead of arXiv's.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from xml.etree.ElementTree import Element

from paperfeed.ingest.records import (
    ARXIV_OAI,
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
from paperfeed.ingest.records import CATEGORY
from paperfeed.ingest.sources.arxiv_api import parse_xml

METADATA_PREFIXES = ("arXiv", "oai_dc")
_NAME_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_COMMENT_PREFIX = re.compile(r"^\s*Comment:\s*", re.IGNORECASE)
_DOI_PREFIX = re.compile(r"^\s*doi:\s*", re.IGNORECASE)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _child(element: Element | None, name: str) -> Element | None:
    if element is None:
        return None
    return next((child for child in element if _local(child.tag) == name), None)


def _text(element: Element | None, name: str) -> str:
    found = _child(element, name)
    return clean_text(found.text) if found is not None and found.text else ""


def _day(value: str) -> datetime:
    # OAI gives days only; midnight UTC stands for "that day".
    return datetime.combine(date.fromisoformat(value.strip()[:10]), datetime.min.time(), timezone.utc)


def parse_oai(data: bytes | str, *, origin: str) -> ParseResult:
    """Parse one OAI-PMH response page (ListRecords or GetRecord)."""
    root = parse_xml(data, source=ARXIV_OAI, origin=origin)
    if _local(root.tag) != "OAI-PMH":
        raise SourceFormatError(ARXIV_OAI, origin, f"not an OAI-PMH response (root element {_local(root.tag)!r})")
    result = ParseResult()
    for error in _children(root, "error"):
        code = error.get("code", "unknown")
        if code == "noRecordsMatch":
            return result  # an empty window, not a failure
        raise SourceFormatError(ARXIV_OAI, origin, f"OAI error {code}: {clean_text(error.text) or 'no message'}")

    # Elements with no children are falsy, hence no "or" between these.
    verb = _child(root, "ListRecords")
    if verb is None:
        verb = _child(root, "GetRecord")
    if verb is None:
        raise SourceFormatError(ARXIV_OAI, origin, "response holds neither ListRecords nor GetRecord")
    for index, record in enumerate(_children(verb, "record")):
        header = _child(record, "header")
        if header is not None and header.get("status") == "deleted":
            continue  # withdrawn from the repository; nothing to ingest
        outcome = _parse_record(record, header, index)
        if isinstance(outcome, ParseProblem):
            result.problems.append(outcome)
        else:
            result.records.append(outcome)

    token = _child(verb, "resumptionToken")
    if token is not None:
        # An empty token element closes the list but still carries the size.
        result.resumption_token = (token.text or "").strip() or None
        size = token.get("completeListSize")
        if size and size.strip().isdigit():
            result.complete_list_size = int(size)
    return result


def _parse_record(record: Element, header: Element | None, index: int) -> PaperRecord | ParseProblem:
    where = _text(header, "identifier") or f"record {index}"
    metadata = _child(record, "metadata")
    payload = metadata[0] if metadata is not None and len(metadata) else None
    if payload is None:
        return ParseProblem(ARXIV_OAI, where, "record has no metadata")
    kind = _local(payload.tag)
    try:
        if kind == "arXiv":
            return _from_arxiv(payload, where)
        if kind == "dc":
            return _from_oai_dc(payload, where)
    except InvalidArxivId as exc:
        return ParseProblem(ARXIV_OAI, where, str(exc))
    except ValueError as exc:
        return ParseProblem(ARXIV_OAI, where, f"bad date: {clean_text(str(exc))}")
    return ParseProblem(ARXIV_OAI, where, f"unsupported metadata format <{kind}>")


def _from_arxiv(meta: Element, where: str) -> PaperRecord:
    arxiv_id, _ = split_arxiv_id(_text(meta, "id") or where)
    created = _text(meta, "created")
    updated = _text(meta, "updated")
    published = _day(created) if created else None
    categories: list[str] = []
    for category in _text(meta, "categories").split():
        if category not in categories:
            categories.append(category)
    authors = []
    authors_element = _child(meta, "authors")
    for author in _children(authors_element if authors_element is not None else meta, "author"):
        name = clean_text(" ".join(_text(author, part) for part in ("forenames", "keyname", "suffix")))
        if name:
            affiliations = [clean_text(a.text) for a in _children(author, "affiliation") if a.text]
            authors.append(AuthorRecord(name=name, affiliation="; ".join(a for a in affiliations if a)))
    return PaperRecord(
        arxiv_id=arxiv_id,
        source=ARXIV_OAI,
        version=None,  # "updated" proves v2+, but not which version
        versions=(VersionRecord(1, published),) if published else (),
        title=_text(meta, "title"),
        abstract=_text(meta, "abstract"),
        authors=tuple(authors),
        categories=tuple(categories),
        primary_category=categories[0] if categories else "",
        published=published,
        updated=_day(updated) if updated else None,
        doi=_text(meta, "doi"),
        journal_ref=_text(meta, "journal-ref"),
        comment=_text(meta, "comments"),
        license=_text(meta, "license"),
    )


def _dc_name(creator: str) -> str:
    """``Last, First`` -> ``First Last`` (``Last, Jr., First`` -> ``First Last Jr.``)."""
    parts = [clean_text(p) for p in creator.split(",")]
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 3 and parts[1].lower() in _NAME_SUFFIXES:
        return clean_text(f"{parts[2]} {parts[0]} {parts[1]}")
    return clean_text(f"{', '.join(parts[1:])} {parts[0]}")


def _from_oai_dc(meta: Element, where: str) -> PaperRecord:
    def values(name: str) -> list[str]:
        return [clean_text(e.text) for e in _children(meta, name) if e.text and e.text.strip()]

    arxiv_id, doi = "", ""
    for identifier in values("identifier"):
        if _DOI_PREFIX.match(identifier):
            doi = doi or _DOI_PREFIX.sub("", identifier)
        elif not arxiv_id and "arxiv.org/abs/" in identifier:
            arxiv_id, _ = split_arxiv_id(identifier)
    if not arxiv_id:
        arxiv_id, _ = split_arxiv_id(where)  # header identifier oai:arXiv.org:...

    abstract, comments = "", []
    for description in values("description"):
        if _COMMENT_PREFIX.match(description):
            comments.append(_COMMENT_PREFIX.sub("", description))
        elif not abstract:
            abstract = description

    categories: list[str] = []
    for subject in values("subject"):
        if CATEGORY.match(subject) and "." in subject and subject not in categories:
            categories.append(subject)

    # One dc:date per version, oldest first.
    days = [_day(value) for value in values("date")]
    return PaperRecord(
        arxiv_id=arxiv_id,
        source=ARXIV_OAI,
        version=len(days) or None,
        versions=tuple(VersionRecord(n, day) for n, day in enumerate(days, start=1)),
        title=" ".join(values("title")),
        abstract=abstract,
        authors=tuple(AuthorRecord(name=name) for name in map(_dc_name, values("creator")) if name),
        categories=tuple(categories),
        primary_category=categories[0] if categories else "",
        published=days[0] if days else None,
        updated=days[-1] if len(days) > 1 else None,
        doi=doi,
        comment=" ".join(comments),
    )


def fetch_list_records(
    client,
    *,
    base_url: str,
    metadata_prefix: str = "arXiv",
    set_spec: str | None = None,
    from_date: date | None = None,
    until_date: date | None = None,
    resumption_token: str | None = None,
) -> bytes:
    """One ``verb=ListRecords`` GET; returns the raw XML bytes."""
    if resumption_token:
        # OAI-PMH: resumptionToken is an exclusive argument.
        return client.get(base_url, params={"verb": "ListRecords", "resumptionToken": resumption_token})
    if metadata_prefix not in METADATA_PREFIXES:
        raise ValueError(f"unsupported metadataPrefix {metadata_prefix!r} (use one of {', '.join(METADATA_PREFIXES)})")
    if from_date and until_date and until_date < from_date:
        raise ValueError(f"until_date ({until_date}) is before from_date ({from_date})")
    params = {"verb": "ListRecords", "metadataPrefix": metadata_prefix}
    if set_spec:
        params["set"] = set_spec
    if from_date:
        params["from"] = from_date.isoformat()
    if until_date:
        params["until"] = until_date.isoformat()
    return client.get(base_url, params=params)
