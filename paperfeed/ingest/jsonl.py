"""The catalogue as JSON lines (lossless, for backups) or CSV (flat, for analysis).

    catalogue_export(*, out, format="jsonl", since=None, chunk_size=500) -> int
    jsonl_import(*, path, batch_size=None, progress=None) -> IngestRun

One JSON object per paper, sorted by arXiv id: every field of the paper, its
authors in order (name, affiliation, Hugging Face handle), categories,
version history, organisation, its appearances on daily lists (with who
submitted them) and its provenance. Not exported: local upvotes and user
accounts (a submission keeps its submitter's handle, not the account).

`jsonl_import` reads it back through `papers_upsert` (one record for the
paper, one per appearance), then restores what the merge rules cannot carry:
each source's first and last sighting, and the moderators' "hidden" flag.
Export, import into an empty catalogue, export again: the same bytes.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timezone

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils.dateparse import parse_datetime

from paperfeed.catalog.models import Feature, Paper, PaperAuthor, PaperCategory, PaperSource

from .models import IngestRun
from .records import (
    JSONL_EXPORT,
    AuthorRecord,
    FeatureRecord,
    OrganizationRecord,
    PaperRecord,
    ParseProblem,
    SubmitterRecord,
    VersionRecord,
)
from .runs import ingest_run
from .upsert import papers_upsert

FORMATS = ("jsonl", "csv")
SCHEMA = 1
CSV_COLUMNS = [
    "arxiv_id", "version", "title", "authors", "affiliations", "primary_category", "categories", "published",
    "updated", "doi", "journal_ref", "comment", "license", "code_url", "project_url", "organization",
    "upvotes", "upstream_upvotes", "github_stars", "num_comments", "ai_summary", "ai_keywords",
    "first_featured", "last_featured", "times_featured", "sources", "abstract",
]  # fmt: skip


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _papers(since: date | None):
    papers = Paper.objects.all()
    if since is not None:
        start = datetime.combine(since, time.min, tzinfo=timezone.utc)
        papers = papers.filter(Q(published__gte=start) | Q(pk__in=Feature.objects.filter(day__gte=since).values("paper_id")))
    return (
        papers.select_related("organization")
        .prefetch_related(
            Prefetch("authorships", queryset=PaperAuthor.objects.select_related("author").order_by("position")),
            Prefetch("category_links", queryset=PaperCategory.objects.order_by("position")),
            Prefetch("features", queryset=Feature.objects.order_by("day")),
            Prefetch("sources", queryset=PaperSource.objects.order_by("source")),
        )
        .order_by("arxiv_id")
    )


def paper_export_json(paper: Paper) -> dict:
    org = paper.organization
    return {
        "schema": SCHEMA,
        "arxiv_id": paper.arxiv_id,
        "version": paper.version,
        "versions": paper.versions,
        "title": paper.title,
        "abstract": paper.abstract,
        "authors": [
            {"name": a.author.name, "affiliation": a.affiliation, "hf_user": a.author.hf_user}
            for a in paper.authorships.all()
        ],
        "primary_category": paper.primary_category,
        "categories": [c.code for c in paper.category_links.all()],
        "published": _iso(paper.published),
        "updated": _iso(paper.updated),
        "doi": paper.doi,
        "journal_ref": paper.journal_ref,
        "comment": paper.comment,
        "license": paper.license,
        "code_url": paper.code_url,
        "project_url": paper.project_url,
        "organization": {"name": org.name, "full_name": org.full_name, "avatar_url": org.avatar_url} if org else None,
        "upstream_upvotes": paper.upstream_upvotes,
        "ai_summary": paper.ai_summary,
        "ai_keywords": paper.ai_keywords,
        "github_stars": paper.github_stars,
        "num_comments": paper.num_comments,
        "thumbnail_url": paper.thumbnail_url,
        "media_urls": paper.media_urls,
        "hf_discussion_id": paper.hf_discussion_id,
        "observed_at": _iso(paper.observed_at),
        "hidden": paper.is_hidden,
        "features": [
            {
                "day": f.day.isoformat(),
                "featured_at": _iso(f.featured_at),
                "source": f.source,
                "submitter": {"handle": f.submitter_handle, "name": f.submitter_name,
                              "avatar_url": f.submitter_avatar_url} if f.submitter_handle else None,
            }
            for f in paper.features.all()
        ],
        "sources": [
            {"source": s.source, "first_seen": _iso(s.first_seen), "last_seen": _iso(s.last_seen)}
            for s in paper.sources.all()
        ],
    }


def _csv_row(paper: Paper) -> list:
    authorships = list(paper.authorships.all())
    features = list(paper.features.all())
    return [
        paper.arxiv_id, paper.version or "", paper.title, "; ".join(a.author.name for a in authorships),
        "; ".join(a.affiliation for a in authorships), paper.primary_category,
        " ".join(c.code for c in paper.category_links.all()), _iso(paper.published) or "", _iso(paper.updated) or "",
        paper.doi, paper.journal_ref, paper.comment, paper.license, paper.code_url, paper.project_url,
        paper.organization.name if paper.organization else "", paper.upvotes,
        "" if paper.upstream_upvotes is None else paper.upstream_upvotes,
        "" if paper.github_stars is None else paper.github_stars,
        "" if paper.num_comments is None else paper.num_comments, paper.ai_summary, "; ".join(paper.ai_keywords),
        features[0].day.isoformat() if features else "", features[-1].day.isoformat() if features else "",
        len(features), " ".join(s.source for s in paper.sources.all()), paper.abstract,
    ]  # fmt: skip


def catalogue_export(*, out, format: str = "jsonl", since: date | None = None, chunk_size: int = 500) -> int:
    """Write every paper (published or featured on or after `since`) to the text stream `out`,
    streamed in chunks of `chunk_size`; returns the number of papers."""
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    papers = _papers(since).iterator(chunk_size=chunk_size)
    count = 0
    if format == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for paper in papers:
            writer.writerow(_csv_row(paper))
            count += 1
        return count
    for paper in papers:
        out.write(json.dumps(paper_export_json(paper), ensure_ascii=False, separators=(",", ":")) + "\n")
        count += 1
    return count


# --- import -------------------------------------------------------------------------------


def _dt(value) -> datetime | None:
    return parse_datetime(value) if value else None


def records_from_export(data: dict) -> list[PaperRecord]:
    """The records that recreate one exported paper: the paper, then one per appearance."""
    org = data.get("organization")
    arxiv_id = data["arxiv_id"]
    paper = PaperRecord(
        arxiv_id=arxiv_id,
        source=JSONL_EXPORT,
        version=data.get("version"),
        versions=tuple(VersionRecord(v["v"], _dt(v.get("submitted"))) for v in data.get("versions") or []),
        title=data.get("title") or "",
        abstract=data.get("abstract") or "",
        authors=tuple(
            AuthorRecord(a["name"], a.get("affiliation") or "", a.get("hf_user") or "") for a in data.get("authors") or []
        ),
        categories=tuple(data.get("categories") or ()),
        primary_category=data.get("primary_category") or "",
        published=_dt(data.get("published")),
        updated=_dt(data.get("updated")),
        **{k: data.get(k) or "" for k in ("doi", "journal_ref", "comment", "license", "code_url", "project_url",
                                           "ai_summary", "thumbnail_url", "hf_discussion_id")},
        upstream_upvotes=data.get("upstream_upvotes"),
        organization=OrganizationRecord(org["name"], org.get("full_name") or "", org.get("avatar_url") or "") if org else None,
        ai_keywords=tuple(data.get("ai_keywords") or ()),
        github_stars=data.get("github_stars"),
        num_comments=data.get("num_comments"),
        media_urls=tuple(data.get("media_urls") or ()),
        observed_at=_dt(data.get("observed_at")),
    )
    records = [paper]
    for feature in data.get("features") or []:
        who = feature.get("submitter")
        submitter = SubmitterRecord(who["handle"], who.get("name") or "", who.get("avatar_url") or "") if who else None
        day = date.fromisoformat(feature["day"])
        records.append(PaperRecord(arxiv_id=arxiv_id, source=feature.get("source") or JSONL_EXPORT,
                                   feature=FeatureRecord(day, _dt(feature.get("featured_at")), submitter)))
    return records


def _provenance(arxiv_ids: list[str]) -> dict[tuple[str, str], tuple[datetime, datetime]]:
    rows = PaperSource.objects.filter(paper__arxiv_id__in=arxiv_ids).values_list(
        "paper__arxiv_id", "source", "first_seen", "last_seen")
    return {(arxiv_id, source): (first, last) for arxiv_id, source, first, last in rows}


def _restore(batch: list[dict], before: dict[tuple[str, str], tuple[datetime, datetime]]) -> None:
    """After the upsert of one batch: provenance as it was plus as exported (the import itself
    is no source), and the papers exported hidden hidden again."""
    ids = dict(Paper.objects.filter(arxiv_id__in=[d["arxiv_id"] for d in batch]).values_list("arxiv_id", "pk"))
    seen = dict(before)
    for data in batch:
        for row in data.get("sources") or []:
            key = (data["arxiv_id"], row["source"])
            first, last = _dt(row["first_seen"]), _dt(row["last_seen"])
            if key in seen:
                first, last = min(first, seen[key][0]), max(last, seen[key][1])
            seen[key] = (first, last)
    PaperSource.objects.filter(paper_id__in=list(ids.values())).delete()
    PaperSource.objects.bulk_create([
        PaperSource(paper_id=ids[arxiv_id], source=source, first_seen=first, last_seen=last)
        for (arxiv_id, source), (first, last) in sorted(seen.items()) if arxiv_id in ids
    ])
    hidden = [ids[d["arxiv_id"]] for d in batch if d.get("hidden") and d["arxiv_id"] in ids]
    if hidden:
        Paper.objects.filter(pk__in=hidden).update(is_hidden=True)


def _lines(stream) -> Iterator[tuple[int, bytes, int]]:
    read = 0
    for number, line in enumerate(stream, start=1):
        read += len(line)
        yield number, line, read


def jsonl_import(*, path: str, batch_size: int | None = None,
                 progress: Callable[[int], None] | None = None) -> IngestRun:
    """Read a `paperfeed export --format jsonl` file back into the catalogue (`-`: standard input)."""
    from django.conf import settings

    batch_size = batch_size or settings.PAPERFEED_INGEST_BATCH_SIZE
    with ingest_run(source=JSONL_EXPORT, params={"path": path}) as recorder:
        stream = sys.stdin.buffer if path == "-" else open(path, "rb")
        try:
            batch: list[dict] = []
            read = 0

            def land() -> None:
                records = [r for data in batch for r in records_from_export(data)]
                with transaction.atomic():
                    before = _provenance([data["arxiv_id"] for data in batch])
                    recorder.add(papers_upsert(records=records))
                    _restore(batch, before)
                recorder.checkpoint()
                batch.clear()
                if progress:
                    progress(read)

            for number, line, read in _lines(stream):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                    if not isinstance(data, dict) or not isinstance(data.get("arxiv_id"), str):
                        raise ValueError("not a paper object")
                    records_from_export(data)  # every field readable before it joins a batch
                except (ValueError, KeyError, TypeError, AttributeError) as exc:
                    recorder.problems([ParseProblem(JSONL_EXPORT, f"line {number}", f"cannot be read: {exc}")])
                    continue
                batch.append(data)
                if len(batch) >= batch_size:
                    land()
            if batch:
                land()
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()
    return recorder.run
