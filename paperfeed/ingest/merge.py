"""Merging what a source says about a paper into what we already know. Pure.

The rules:
- The text of a paper (title, abstract, authors, comment, DOI, journal ref,
  licence, primary category, dates) follows its newest version. A record of
  a newer version replaces it; a record of an older version changes none of
  it; a record that cannot tell its version (Hugging Face) only fills gaps.
- A field a source lacks never erases what another source gave.
- Categories accumulate: a cross-listed paper keeps every category.
- Version histories accumulate: each version keeps the first date we saw.
- Community fields (code link, AI summary, organisation, ...) follow the
  latest observation (`observed_at`), so re-importing old lists in any order
  settles on the newest values instead of flip-flopping.
- Counters that only grow upstream (upvotes, stars, comments) keep the
  largest value seen, so re-importing an old dump never turns them back.

Merging the same record twice is a no-op, which makes ingestion idempotent.
"""

from __future__ import annotations

from datetime import datetime

from .records import AuthorRecord, PaperRecord, VersionRecord

NEWER, SAME, OLDER = 1, 0, -1

# Fields that belong to one version of the paper.
VERSIONED_TEXT = (
    "title",
    "abstract",
    "comment",
    "doi",
    "journal_ref",
    "license",
    "primary_category",
    "published",
    "updated",
)
# Fields only Hugging Face (or the local community) gives; latest non-empty wins.
LATEST_WINS = (
    "code_url",
    "project_url",
    "organization",
    "ai_summary",
    "ai_keywords",
    "thumbnail_url",
    "media_urls",
    "hf_discussion_id",
)
LARGEST_WINS = ("upstream_upvotes", "github_stars", "num_comments")


def recency(current: PaperRecord, incoming: PaperRecord) -> int:
    """Is `incoming` about a NEWER, the SAME (or an unknown), or an OLDER version?"""
    if incoming.version is not None and current.version is not None:
        return _sign(incoming.version - current.version)
    if incoming.version is not None:
        # A source that knows versions (arXiv) outranks one that does not.
        return NEWER
    if current.version is None or incoming.updated is None or current.updated is None:
        return SAME
    # Without a version number, OAI's `updated` date still orders versions.
    return _sign((incoming.updated - current.updated).total_seconds())


def _sign(value: float) -> int:
    return (value > 0) - (value < 0)


def _empty(value) -> bool:
    return value is None or value == "" or value == ()


def merge_versions(
    current: tuple[VersionRecord, ...], incoming: tuple[VersionRecord, ...]
) -> tuple[VersionRecord, ...]:
    by_number: dict[int, datetime | None] = {v.number: v.submitted for v in current}
    for version in incoming:
        if by_number.get(version.number) is None:
            by_number[version.number] = version.submitted
    return tuple(VersionRecord(n, by_number[n]) for n in sorted(by_number))


def merge_categories(current: tuple[str, ...], incoming: tuple[str, ...], primary: str) -> tuple[str, ...]:
    ordered = [primary] if primary else []
    for code in (*current, *incoming):
        if code and code not in ordered:
            ordered.append(code)
    return tuple(ordered)


def merge_authors(
    current: tuple[AuthorRecord, ...], incoming: tuple[AuthorRecord, ...], replace: bool
) -> tuple[AuthorRecord, ...]:
    """Take the new list when replacing, but keep what we knew about each person."""
    if not incoming:
        return current
    if not current:
        return incoming
    if not replace:
        # Keep our list, enriched with what the other source knows of each person.
        replace_with = current
        known = {a.name: a for a in incoming}
    else:
        replace_with = incoming
        known = {a.name: a for a in current}
    merged = []
    for author in replace_with:
        other = known.get(author.name)
        if other is None:
            merged.append(author)
            continue
        merged.append(
            AuthorRecord(
                name=author.name,
                affiliation=author.affiliation or other.affiliation,
                hf_user=author.hf_user or other.hf_user,
            )
        )
    return tuple(merged)


def merge_record(current: PaperRecord | None, incoming: PaperRecord) -> PaperRecord:
    """The paper as it stands after `incoming`; equal to `current` if nothing changed.

    `feature` and `source` are not merged here: appearances and provenance are
    sets kept beside the paper.
    """
    if current is None:
        return incoming.replace(
            versions=merge_versions((), incoming.versions),
            categories=merge_categories((), incoming.categories, incoming.primary_category),
            feature=None,
        )
    order = recency(current, incoming)
    changes: dict = {}
    for name in VERSIONED_TEXT:
        old, new = getattr(current, name), getattr(incoming, name)
        if _empty(new):
            continue
        if order == NEWER or (order == SAME and _empty(old)):
            changes[name] = new
    changes["authors"] = merge_authors(current.authors, incoming.authors, replace=order == NEWER)
    newer_view = (
        incoming.observed_at is None
        or current.observed_at is None
        or incoming.observed_at > current.observed_at
    )
    for name in LATEST_WINS:
        old, new = getattr(current, name), getattr(incoming, name)
        if _empty(new) or not (newer_view or _empty(old)):
            continue
        if name == "organization" and old is not None and old.name == new.name:
            continue  # the same organisation; its own details are kept on it
        changes[name] = new
    if incoming.observed_at and (current.observed_at is None or incoming.observed_at > current.observed_at):
        changes["observed_at"] = incoming.observed_at
    for name in LARGEST_WINS:
        old, new = getattr(current, name), getattr(incoming, name)
        if new is not None and (old is None or new > old):
            changes[name] = new

    changes["versions"] = merge_versions(current.versions, incoming.versions)
    # Only a source that states the latest version sets it: OAI lists v1's date
    # even for revised papers, so the history alone does not tell the latest.
    stated = [n for n in (current.version, incoming.version) if n is not None]
    changes["version"] = max(stated) if stated else None

    primary = changes.get("primary_category", current.primary_category)
    changes["categories"] = merge_categories(current.categories, incoming.categories, primary)
    if not primary and changes["categories"]:
        changes["primary_category"] = changes["categories"][0]
    return current.replace(**changes, feature=None, source=current.source)
