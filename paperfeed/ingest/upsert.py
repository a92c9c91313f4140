"""The one way papers get into the catalogue: an idempotent batch upsert keyed
by arXiv id.

A batch is read in a handful of queries, merged in memory by the pure rules
of `merge.py`, and written in one transaction. When the database rejects the
batch, its records are retried one by one so a single bad record is skipped
and reported while the rest lands.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from paperfeed.catalog.models import (
    Author,
    Feature,
    Organization,
    Paper,
    PaperAuthor,
    PaperCategory,
    PaperSource,
    author_name_key,
)

from paperfeed.search.documents import search_documents_update

from .merge import merge_record
from .records import (
    AuthorRecord,
    FeatureRecord,
    OrganizationRecord,
    PaperRecord,
    ParseProblem,
    VersionRecord,
)
from .validate import record_problem

log = logging.getLogger("paperfeed.ingest")

# SQLite allows 32,766 bound parameters; stay far below it and PostgreSQL's 65,535.
IN_CHUNK = 900


@dataclass
class UpsertResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[ParseProblem] = field(default_factory=list)
    # Papers whose searchable text (title, abstract, authors) changed.
    changed_ids: set[int] = field(default_factory=set)

    @property
    def skipped(self) -> int:
        return len(self.problems)

    def add(self, other: "UpsertResult") -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.problems.extend(other.problems)
        self.changed_ids |= other.changed_ids


def papers_upsert(*, records: Sequence[PaperRecord], now: datetime | None = None) -> UpsertResult:
    """Merge `records` into the catalogue in one transaction per batch."""
    now = now or timezone.now()
    result = UpsertResult()
    valid: list[PaperRecord] = []
    for record in records:
        problem = record_problem(record)
        if problem:
            result.problems.append(ParseProblem(record.source, record.arxiv_id, problem))
        else:
            valid.append(record)
    if not valid:
        return result
    try:
        result.add(_upsert_batch(valid, now))
    except DatabaseError as exc:
        log.warning("batch of %d rejected (%s); retrying record by record", len(valid), exc)
        for record in valid:
            try:
                result.add(_upsert_batch([record], now))
            except DatabaseError as record_exc:
                message = f"the database rejected it: {str(record_exc).splitlines()[0]}"
                result.problems.append(ParseProblem(record.source, record.arxiv_id, message))
    return result


def _upsert_batch(records: list[PaperRecord], now: datetime, attempts: int = 3) -> UpsertResult:
    # Two writers can create the same new paper at once (PostgreSQL); the loser
    # re-reads the batch and merges into the winner's row.
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                return _write_batch(records, now)
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def _chunks(items: Sequence, size: int = IN_CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Loaded:
    """The current state of the batch's papers, read in a handful of queries."""

    def __init__(self, ids: list[str]):
        self.papers: dict[str, Paper] = {}
        for chunk in _chunks(ids):
            for paper in Paper.objects.filter(arxiv_id__in=chunk).select_related("organization"):
                self.papers[paper.arxiv_id] = paper
        pks = [p.pk for p in self.papers.values()]
        self.authors: dict[int, list[AuthorRecord]] = defaultdict(list)
        self.categories: dict[int, list[str]] = defaultdict(list)
        self.features: dict[int, dict] = defaultdict(dict)
        self.sources: dict[int, dict[str, PaperSource]] = defaultdict(dict)
        for chunk in _chunks(pks):
            rows = (
                PaperAuthor.objects.filter(paper_id__in=chunk)
                .order_by("paper_id", "position")
                .values_list("paper_id", "author__name", "affiliation", "author__hf_user")
            )
            for paper_id, name, affiliation, hf_user in rows:
                self.authors[paper_id].append(AuthorRecord(name, affiliation, hf_user))
            rows = PaperCategory.objects.filter(paper_id__in=chunk).order_by("paper_id", "position")
            for paper_id, code in rows.values_list("paper_id", "code"):
                self.categories[paper_id].append(code)
            for feature in Feature.objects.filter(paper_id__in=chunk):
                self.features[feature.paper_id][feature.day] = feature
            for source in PaperSource.objects.filter(paper_id__in=chunk):
                self.sources[source.paper_id][source.source] = source

    def record(self, arxiv_id: str) -> PaperRecord | None:
        paper = self.papers.get(arxiv_id)
        if paper is None:
            return None
        return paper_to_record(paper, self.authors[paper.pk], self.categories[paper.pk])


def paper_to_record(paper: Paper, authors: list[AuthorRecord], categories: list[str]) -> PaperRecord:
    org = paper.organization
    return PaperRecord(
        arxiv_id=paper.arxiv_id,
        source="catalogue",
        version=paper.version,
        versions=tuple(
            VersionRecord(v["v"], parse_datetime(v["submitted"]) if v.get("submitted") else None)
            for v in paper.versions
        ),
        title=paper.title,
        abstract=paper.abstract,
        authors=tuple(authors),
        categories=tuple(categories),
        primary_category=paper.primary_category,
        published=paper.published,
        updated=paper.updated,
        doi=paper.doi,
        journal_ref=paper.journal_ref,
        comment=paper.comment,
        license=paper.license,
        code_url=paper.code_url,
        project_url=paper.project_url,
        upstream_upvotes=paper.upstream_upvotes,
        organization=OrganizationRecord(org.name, org.full_name, org.avatar_url) if org else None,
        ai_summary=paper.ai_summary,
        ai_keywords=tuple(paper.ai_keywords),
        github_stars=paper.github_stars,
        num_comments=paper.num_comments,
        thumbnail_url=paper.thumbnail_url,
        media_urls=tuple(paper.media_urls),
        hf_discussion_id=paper.hf_discussion_id,
        observed_at=paper.observed_at,
    )


SCALAR_FIELDS = (
    "version", "title", "abstract", "primary_category", "published", "updated", "doi",
    "journal_ref", "comment", "license", "code_url", "project_url", "upstream_upvotes",
    "ai_summary", "github_stars", "num_comments", "thumbnail_url", "hf_discussion_id", "observed_at",
)  # fmt: skip
SEARCHABLE = ("title", "abstract", "authors")


def _apply(paper: Paper, record: PaperRecord, orgs: dict[str, Organization]) -> None:
    for name in SCALAR_FIELDS:
        value = getattr(record, name)
        if value is None and name not in ("version", "published", "updated", "observed_at"):
            value = None if name in ("upstream_upvotes", "github_stars", "num_comments") else ""
        setattr(paper, name, value)
    paper.versions = [
        {"v": v.number, "submitted": v.submitted.isoformat() if v.submitted else None}
        for v in record.versions
    ]
    paper.ai_keywords = list(record.ai_keywords)
    paper.media_urls = list(record.media_urls)
    paper.organization = orgs[record.organization.name] if record.organization else None


def _write_batch(records: list[PaperRecord], now: datetime) -> UpsertResult:
    result = UpsertResult()
    loaded = _Loaded(sorted({r.arxiv_id for r in records}))
    merged: dict[str, PaperRecord] = {}
    before: dict[str, PaperRecord | None] = {}
    features: dict[str, dict] = defaultdict(dict)
    sources: dict[str, set[str]] = defaultdict(set)

    for record in records:
        arxiv_id = record.arxiv_id
        if arxiv_id not in before:
            before[arxiv_id] = loaded.record(arxiv_id)
            merged[arxiv_id] = before[arxiv_id]
        current = merged[arxiv_id]
        after = merge_record(current, record)
        if not after.title:
            result.problems.append(ParseProblem(record.source, arxiv_id, "a new paper needs a title"))
            continue
        changed = after != current
        paper = loaded.papers.get(arxiv_id)
        if record.feature and not _has_feature(paper, loaded, record.feature, features[arxiv_id]):
            features[arxiv_id][record.feature.day] = (record.feature, record.source)
            changed = True
        merged[arxiv_id] = after
        sources[arxiv_id].add(record.source)
        if current is None:
            result.new += 1
        elif changed:
            result.updated += 1
        else:
            result.unchanged += 1

    orgs = _organizations([r.organization for r in merged.values() if r and r.organization])
    changed_ids = [i for i in merged if merged[i] != before[i]]
    to_create = [i for i in changed_ids if before[i] is None]
    to_update = [i for i in changed_ids if before[i] is not None]

    created = []
    for arxiv_id in to_create:
        paper = Paper(arxiv_id=arxiv_id)
        _apply(paper, merged[arxiv_id], orgs)
        created.append(paper)
    Paper.objects.bulk_create(created)
    for paper in created:
        loaded.papers[paper.arxiv_id] = paper
    updated = []
    for arxiv_id in to_update:
        paper = loaded.papers[arxiv_id]
        _apply(paper, merged[arxiv_id], orgs)
        paper.modified_at = now
        updated.append(paper)
    if updated:
        fields = [*SCALAR_FIELDS, "versions", "ai_keywords", "media_urls", "organization", "modified_at"]
        Paper.objects.bulk_update(updated, fields)

    author_changed = [i for i in changed_ids if before[i] is None or before[i].authors != merged[i].authors]
    _write_authors({loaded.papers[i]: merged[i].authors for i in author_changed})
    category_changed = [
        i for i in changed_ids if before[i] is None or before[i].categories != merged[i].categories
    ]
    _write_categories({loaded.papers[i]: merged[i].categories for i in category_changed})
    _write_features(loaded, features)
    _write_sources(loaded, sources, now)

    for arxiv_id in changed_ids:
        old, new = before[arxiv_id], merged[arxiv_id]
        if old is None or any(getattr(old, f) != getattr(new, f) for f in SEARCHABLE):
            result.changed_ids.add(loaded.papers[arxiv_id].pk)
    # The full-text index follows the catalogue in the same transaction.
    search_documents_update(paper_ids=result.changed_ids)
    return result


def _has_feature(paper: Paper | None, loaded: _Loaded, feature: FeatureRecord, pending: dict) -> bool:
    if feature.day in pending:
        return True
    return paper is not None and feature.day in loaded.features[paper.pk]


def _organizations(records: list[OrganizationRecord]) -> dict[str, Organization]:
    latest = {r.name: r for r in records}
    if not latest:
        return {}
    existing = {o.name: o for o in Organization.objects.filter(name__in=list(latest))}
    missing = [
        Organization(name=r.name, full_name=r.full_name, avatar_url=r.avatar_url)
        for name, r in latest.items()
        if name not in existing
    ]
    Organization.objects.bulk_create(missing, ignore_conflicts=True)
    if missing:
        existing.update({o.name: o for o in Organization.objects.filter(name__in=[o.name for o in missing])})
    stale = []
    for name, record in latest.items():
        org = existing[name]
        full_name = record.full_name or org.full_name
        avatar_url = record.avatar_url or org.avatar_url
        if (org.full_name, org.avatar_url) != (full_name, avatar_url):
            org.full_name, org.avatar_url = full_name, avatar_url
            stale.append(org)
    if stale:
        Organization.objects.bulk_update(stale, ["full_name", "avatar_url"])
    return existing


def _authors_by_key(records: Iterable[AuthorRecord]) -> dict[str, Author]:
    wanted: dict[str, AuthorRecord] = {}
    for record in records:
        wanted.setdefault(author_name_key(record.name), record)
    found: dict[str, Author] = {}
    keys = list(wanted)
    for chunk in _chunks(keys):
        found.update({a.name_key: a for a in Author.objects.filter(name_key__in=chunk)})
    missing = [
        Author(name=r.name, name_key=k, hf_user=r.hf_user) for k, r in wanted.items() if k not in found
    ]
    if missing:
        try:
            with transaction.atomic():  # a savepoint: PostgreSQL aborts on a conflict
                Author.objects.bulk_create(missing)  # sets the new ids, no read-back
            found.update({a.name_key: a for a in missing})
        except IntegrityError:
            # A concurrent writer created some of these people first.
            Author.objects.bulk_create(missing, ignore_conflicts=True)
            for chunk in _chunks([a.name_key for a in missing]):
                found.update({a.name_key: a for a in Author.objects.filter(name_key__in=chunk)})
    claimed = []
    for key, record in wanted.items():
        author = found[key]
        if record.hf_user and author.hf_user != record.hf_user:
            author.hf_user = record.hf_user
            claimed.append(author)
    if claimed:
        Author.objects.bulk_update(claimed, ["hf_user"])
    return found


def _write_authors(authors_of: dict[Paper, tuple[AuthorRecord, ...]]) -> None:
    if not authors_of:
        return
    people = _authors_by_key(a for authors in authors_of.values() for a in authors)
    pks = [p.pk for p in authors_of]
    for chunk in _chunks(pks):
        PaperAuthor.objects.filter(paper_id__in=chunk).delete()
    rows = []
    for paper, authors in authors_of.items():
        seen: set[int] = set()
        for author in authors:
            person = people[author_name_key(author.name)]
            if person.pk in seen:  # the same name listed twice on one paper
                continue
            seen.add(person.pk)
            rows.append(
                PaperAuthor(paper=paper, author=person, position=len(seen) - 1, affiliation=author.affiliation)
            )
    PaperAuthor.objects.bulk_create(rows, batch_size=2000)


def _write_categories(categories_of: dict[Paper, tuple[str, ...]]) -> None:
    if not categories_of:
        return
    for chunk in _chunks([p.pk for p in categories_of]):
        PaperCategory.objects.filter(paper_id__in=chunk).delete()
    rows = [
        PaperCategory(paper=paper, code=code, position=position)
        for paper, codes in categories_of.items()
        for position, code in enumerate(codes)
    ]
    PaperCategory.objects.bulk_create(rows, batch_size=2000)


def _write_features(loaded: _Loaded, features: dict[str, dict]) -> None:
    rows = []
    for arxiv_id, by_day in features.items():
        paper = loaded.papers[arxiv_id]
        for day, (feature, source) in by_day.items():
            submitter = feature.submitter
            rows.append(
                Feature(
                    paper=paper,
                    day=day,
                    featured_at=feature.featured_at,
                    source=source,
                    submitter_handle=submitter.handle if submitter else "",
                    submitter_name=submitter.full_name if submitter else "",
                    submitter_avatar_url=submitter.avatar_url if submitter else "",
                )
            )
    Feature.objects.bulk_create(rows, batch_size=2000)


def _write_sources(loaded: _Loaded, sources: dict[str, set[str]], now: datetime) -> None:
    new_rows, seen_again = [], []
    for arxiv_id, names in sources.items():
        paper = loaded.papers[arxiv_id]
        for name in sorted(names):
            existing = loaded.sources[paper.pk].get(name)
            if existing is None:
                new_rows.append(PaperSource(paper=paper, source=name, first_seen=now, last_seen=now))
            else:
                seen_again.append(existing.pk)
    PaperSource.objects.bulk_create(new_rows, batch_size=2000)
    for chunk in _chunks(seen_again):
        PaperSource.objects.filter(pk__in=chunk).update(last_seen=now)
