"""The shape every source parser produces and the upsert service consumes.

A record says only what its source knows. ``None`` (or an empty string / empty
tuple) means "this source does not say", never "erase it": merging relies on
that distinction.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date, datetime

# Sources, as recorded in provenance and IngestRun.source.
HF_DAILY = "hf"
ARXIV_API = "arxiv"
ARXIV_OAI = "oai"
ARXIV_SNAPSHOT = "arxiv-snapshot"
SUBMISSION = "submission"
JSONL_EXPORT = "jsonl"

NEW_STYLE_ID = re.compile(r"^(?P<id>\d{4}\.\d{4,5})(?:v(?P<version>\d+))?$")
OLD_STYLE_ID = re.compile(r"^(?P<id>[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v(?P<version>\d+))?$")
# Archive, optionally with a subject class: cs.AI, hep-th, math.GT,
# astro-ph.CO, cond-mat.str-el, physics.atom-ph.
CATEGORY = re.compile(r"^[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z]+(?:-[a-z]+)?)?$")
_ID_PREFIXES = ("https://arxiv.org/abs/", "http://arxiv.org/abs/", "oai:arXiv.org:", "arXiv:", "arxiv:")


class InvalidArxivId(ValueError):
    pass


def split_arxiv_id(raw: str) -> tuple[str, int | None]:
    """Return (bare id, version or None) for any spelling arXiv uses.

    Accepts ``2307.08691``, ``2307.08691v3``, ``hep-th/9901001v2``,
    ``math.GT/0309136``, ``arXiv:...``, ``oai:arXiv.org:...`` and abs URLs.
    """
    text = (raw or "").strip()
    for prefix in _ID_PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    for pattern in (NEW_STYLE_ID, OLD_STYLE_ID):
        match = pattern.match(text)
        if match:
            version = match.group("version")
            return match.group("id"), int(version) if version else None
    raise InvalidArxivId(f"not an arXiv identifier: {raw!r}")


_WHITESPACE = re.compile(r"\s+")


def clean_text(value: str | None) -> str:
    """Collapse runs of whitespace (arXiv hard-wraps titles and abstracts).

    LaTeX is kept exactly as written apart from whitespace.
    """
    if not value:
        return ""
    return _WHITESPACE.sub(" ", value).strip()


@dataclass(frozen=True)
class AuthorRecord:
    name: str
    affiliation: str = ""
    # Hugging Face account handle when the author claimed the paper there.
    hf_user: str = ""


@dataclass(frozen=True)
class VersionRecord:
    number: int
    submitted: datetime | None = None


@dataclass(frozen=True)
class OrganizationRecord:
    name: str
    full_name: str = ""
    avatar_url: str = ""


@dataclass(frozen=True)
class SubmitterRecord:
    handle: str
    full_name: str = ""
    avatar_url: str = ""


@dataclass(frozen=True)
class FeatureRecord:
    """One appearance of a paper on a daily list (Hugging Face or local)."""

    day: date
    featured_at: datetime | None = None
    submitter: SubmitterRecord | None = None


@dataclass(frozen=True)
class PaperRecord:
    arxiv_id: str
    source: str
    # Latest version this source knows of; None when it does not say (HF).
    version: int | None = None
    versions: tuple[VersionRecord, ...] = ()
    title: str = ""
    abstract: str = ""
    authors: tuple[AuthorRecord, ...] = ()
    categories: tuple[str, ...] = ()
    primary_category: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    doi: str = ""
    journal_ref: str = ""
    comment: str = ""
    license: str = ""
    code_url: str = ""
    project_url: str = ""
    # What Hugging Face adds.
    feature: FeatureRecord | None = None
    upstream_upvotes: int | None = None
    organization: OrganizationRecord | None = None
    ai_summary: str = ""
    ai_keywords: tuple[str, ...] = ()
    github_stars: int | None = None
    num_comments: int | None = None
    thumbnail_url: str = ""
    media_urls: tuple[str, ...] = ()
    hf_discussion_id: str = ""
    # When the source saw the community fields above (HF: the listing time of
    # the day, or the fetch time). The later observation wins; see merge.py.
    observed_at: datetime | None = None

    def replace(self, **changes) -> "PaperRecord":
        return dataclasses.replace(self, **changes)


@dataclass
class ParseProblem:
    """A record a parser could not use; the rest of the batch still lands."""

    source: str
    record: str  # what identifies the record: an id, a line number, an index
    message: str

    def __str__(self) -> str:
        return f"{self.source}: record {self.record}: {self.message}"


@dataclass
class ParseResult:
    records: list[PaperRecord] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    # Paging hints for fetchers: total results (arXiv API) or a resumption
    # token (OAI-PMH). Parsers fill what their format carries.
    total_results: int | None = None
    resumption_token: str | None = None
    complete_list_size: int | None = None


class SourceFormatError(ValueError):
    """A whole document is unusable (malformed XML/JSON, error feed, bomb).

    Nothing from it is written.
    """

    def __init__(self, source: str, what: str, message: str):
        self.source = source
        self.what = what
        super().__init__(f"{source}: {what}: {message}")
