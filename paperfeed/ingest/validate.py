"""Checks a record must pass before it may be written. Pure.

They mirror the catalogue's column limits so that one odd record is reported
by name instead of failing its whole batch in the database.
"""

from __future__ import annotations

from .records import CATEGORY, PaperRecord

LIMITS = {"doi": 255, "license": 255, "hf_discussion_id": 64, "primary_category": 32}


def record_problem(record: PaperRecord) -> str | None:
    """Why `record` cannot be written, or None when it can."""
    for name, limit in LIMITS.items():
        if len(getattr(record, name)) > limit:
            return f"{name} is longer than {limit} characters"
    for code in record.categories:
        if len(code) > 32 or not CATEGORY.match(code):
            return f"category {code!r} is not an arXiv category"
    for author in record.authors:
        if not author.name:
            return "an author has no name"
        if len(author.name) > 500:
            return f"author name is longer than 500 characters: {author.name[:40]}..."
        if len(author.hf_user) > 100:
            return "an author's Hugging Face handle is longer than 100 characters"
    if record.organization and not 0 < len(record.organization.name) <= 200:
        return "organization name is empty or longer than 200 characters"
    if record.version is not None and not 1 <= record.version <= 32767:
        return f"version {record.version} is out of range"
    for version in record.versions:
        if not 1 <= version.number <= 32767:
            return f"version {version.number} is out of range"
    for name in ("upstream_upvotes", "github_stars", "num_comments"):
        value = getattr(record, name)
        if value is not None and not 0 <= value < 2**31:
            return f"{name} {value} is out of range"
    if record.feature and record.feature.submitter and len(record.feature.submitter.handle) > 100:
        return "submitter handle is longer than 100 characters"
    return None
