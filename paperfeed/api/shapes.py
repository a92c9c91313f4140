"""Papers as Hugging Face's Papers API spells them.

The field names, types, date format (``2026-08-21T00:00:00.000Z``) and the
rule "absent when unknown" follow the recorded answers of
``GET https://huggingface.co/api/daily_papers`` (shared/fixtures/hf-daily-papers):

- ``paper_json``: the paper object (``/api/papers/{id}``, and ``paper`` in a list item);
- ``item_json``: a daily-list item, ``{paper, publishedAt, title, summary, ...}``,
  whose top-level ``publishedAt`` is when the paper was put on the list and
  ``paper.publishedAt`` its publication on arXiv.

Hugging Face's ``_id`` fields are 24 hex digits; ours are a stable hash of
what they name, so they never change between answers.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

from paperfeed.catalog.models import Feature, Paper
from paperfeed.catalog.trending import featured_moment


def hf_datetime(value: datetime | None) -> str | None:
    """UTC with milliseconds and a Z, as Hugging Face writes dates."""
    if value is None:
        return None
    value = value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def object_id(*parts) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:24]


def _put(out: dict, key: str, value) -> None:
    if value not in (None, "", [], ()):
        out[key] = value


def organization_json(org) -> dict | None:
    if org is None:
        return None
    out = {"_id": object_id("org", org.name), "name": org.name, "fullname": org.full_name or org.name}
    _put(out, "avatar", org.avatar_url)
    return out


def _submitter(feature: Feature) -> dict | None:
    if not feature.submitter_handle:
        return None
    handle = feature.submitter_handle
    out = {"_id": object_id("user", handle)}
    _put(out, "avatarUrl", feature.submitter_avatar_url)
    out["fullname"] = feature.submitter_name or handle
    return out | {"handle": handle}


def submitted_by_json(feature: Feature | None) -> dict | None:
    """The top-level ``submittedBy`` of a list item (the handle is spelled ``name``)."""
    base = _submitter(feature) if feature else None
    if base is None:
        return None
    handle = base.pop("handle")
    return base | {"name": handle, "type": "user"}


def submitted_on_daily_by_json(feature: Feature | None) -> dict | None:
    """``paper.submittedOnDailyBy`` (the handle is spelled ``user``, and ``name`` again)."""
    base = _submitter(feature) if feature else None
    if base is None:
        return None
    handle = base.pop("handle")
    return base | {"user": handle, "type": "user", "name": handle}


def author_json(authorship) -> dict:
    author = authorship.author
    out = {"_id": object_id("author", authorship.paper_id, authorship.position), "name": author.name, "hidden": False}
    if author.hf_user:
        out["user"] = {
            "_id": object_id("user", author.hf_user),
            "fullname": author.name,
            "user": author.hf_user,
            "type": "user",
            "name": author.hf_user,
        }
    return out


def feature_moment(feature: Feature) -> datetime:
    return featured_moment(feature.day, feature.featured_at)


def votes_total(paper: Paper) -> int:
    return (paper.upvotes or 0) + (paper.upstream_upvotes or 0)


def paper_json(paper: Paper, authorships: list, feature: Feature | None) -> dict:
    """The paper object. `feature`: the appearance on a daily list it is shown for (or its latest)."""
    out: dict = {"id": paper.arxiv_id, "authors": [author_json(a) for a in authorships]}
    _put(out, "publishedAt", hf_datetime(paper.published))
    if feature is not None:
        out["submittedOnDailyAt"] = hf_datetime(feature_moment(feature))
    out["title"] = paper.title
    _put(out, "submittedOnDailyBy", submitted_on_daily_by_json(feature))
    out["summary"] = paper.abstract
    out["upvotes"] = votes_total(paper)
    _put(out, "discussionId", paper.hf_discussion_id)
    _put(out, "projectPage", paper.project_url)
    _put(out, "githubRepo", paper.code_url)
    _put(out, "ai_summary", paper.ai_summary)
    _put(out, "ai_keywords", [k for k in paper.ai_keywords if isinstance(k, str)] if isinstance(paper.ai_keywords, list) else [])
    if paper.github_stars is not None:
        out["githubStars"] = paper.github_stars
    _put(out, "organization", organization_json(paper.organization))
    _put(out, "mediaUrls", _media(paper))
    return out


def _media(paper: Paper) -> list[str]:
    return [u for u in paper.media_urls if isinstance(u, str)] if isinstance(paper.media_urls, list) else []


def item_json(paper: Paper, authorships: list, feature: Feature | None) -> dict:
    """A list item: the paper, and when and by whom it was put on the list."""
    if feature is not None:
        listed = feature_moment(feature)
    else:
        listed = paper.published or paper.created_at
    out: dict = {
        "paper": paper_json(paper, authorships, feature),
        "publishedAt": hf_datetime(listed),
        "title": paper.title,
        "summary": paper.abstract,
    }
    _put(out, "mediaUrls", _media(paper))
    _put(out, "thumbnail", paper.thumbnail_url)
    out["numComments"] = paper.num_comments or 0
    _put(out, "submittedBy", submitted_by_json(feature))
    _put(out, "organization", organization_json(paper.organization))
    out["isAuthorParticipating"] = any(a.author.hf_user for a in authorships)
    return out
