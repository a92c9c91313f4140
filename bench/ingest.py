"""Ingestion speed and memory: the arXiv snapshot import and the Hugging Face import.

Measures, on SQLite and/or a throwaway PostgreSQL 16:

  * snapshot_import (what `paperfeed import arxiv-snapshot` runs) of a
    synthetic snapshot of N records, made from the 200 real records of the
    shared fixture arxiv-metadata-sample: first into an empty catalogue (all
    new), then the same file again (all unchanged: the idempotent re-run);
  * hf_ingest (what `paperfeed ingest hf --file ...` runs) of the real daily
    lists in the shared fixture hf-daily-papers/bulk-2026-07-08, first and
    second time;
  * the baseline both are compared with: a naive per-record ORM loop (the
    same parsers, then Paper.objects.update_or_create and get_or_create per
    author, one transaction per record), on --naive-size records;
  * parsing alone (no database), to show the share of time spent parsing;
  * peak RSS of each import process, to show that the snapshot import
    streams: its memory at the largest N is about that at the smallest.

Each measurement runs in a fresh process against a fresh, migrated database;
the figures are medians of --runs runs with their min-max spread. papers/s is
input records over the wall time of the import call alone (start-up and
migrations excluded). Prints a markdown table; --write-docs also replaces this
script's section of docs/benchmarks.md.

Run from the repository root, e.g.
  .venv/bin/python bench/ingest.py --database both --write-docs
  .venv/bin/python bench/ingest.py --sizes 2000 --runs 1 --database sqlite
  .venv/bin/python bench/ingest.py --profile --sizes 10000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common as common  # noqa: E402

SCRIPT = "bench/ingest.py"
SAMPLE = "arxiv-metadata-sample/kaggle-arxiv-metadata-oai-snapshot.head200.jsonl"
HF_BULK = "hf-daily-papers/bulk-2026-07-08"

FIRST, RERUN = "first", "re-run"
SNAPSHOT, NAIVE_SNAPSHOT, HF, NAIVE_HF, PARSE = "snapshot", "naive-snapshot", "hf", "naive-hf", "parse"
LABELS = {
    NAIVE_SNAPSHOT: "naive per-record loop (baseline), snapshot",
    SNAPSHOT: "snapshot_import",
    NAIVE_HF: "naive per-record loop (baseline), HF",
    HF: "hf_ingest",
    PARSE: "parse only, no database (iter_snapshot)",
}
BASELINE_OF = {SNAPSHOT: NAIVE_SNAPSHOT, HF: NAIVE_HF}


# ==== child side: one measurement in a fresh process ==========================================


_search_document = None  # set in the child: the SearchDocument model, if any


def naive_write(record) -> bool:
    """The baseline: what straightforward per-record ORM code does. Returns True if created.

    One transaction per record; no merge rules (the record overwrites the row).
    """
    from django.db import transaction

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
    from django.utils import timezone

    now = timezone.now()
    with transaction.atomic():
        organization = None
        if record.organization:
            organization, _ = Organization.objects.get_or_create(
                name=record.organization.name,
                defaults={"full_name": record.organization.full_name, "avatar_url": record.organization.avatar_url},
            )
        paper, created = Paper.objects.update_or_create(
            arxiv_id=record.arxiv_id,
            defaults={
                "version": record.version,
                "versions": [
                    {"v": v.number, "submitted": v.submitted.isoformat() if v.submitted else None}
                    for v in record.versions
                ],
                "title": record.title,
                "abstract": record.abstract,
                "primary_category": record.primary_category,
                "published": record.published,
                "updated": record.updated,
                "doi": record.doi,
                "journal_ref": record.journal_ref,
                "comment": record.comment,
                "license": record.license,
                "code_url": record.code_url,
                "project_url": record.project_url,
                "upstream_upvotes": record.upstream_upvotes,
                "organization": organization,
                "ai_summary": record.ai_summary,
                "ai_keywords": list(record.ai_keywords),
                "github_stars": record.github_stars,
                "num_comments": record.num_comments,
                "thumbnail_url": record.thumbnail_url,
                "media_urls": list(record.media_urls),
                "hf_discussion_id": record.hf_discussion_id,
                "observed_at": record.observed_at,
            },
        )
        PaperAuthor.objects.filter(paper=paper).delete()
        for position, author in enumerate(record.authors):
            person, _ = Author.objects.get_or_create(
                name_key=author_name_key(author.name), defaults={"name": author.name, "hf_user": author.hf_user}
            )
            PaperAuthor.objects.create(paper=paper, author=person, position=position, affiliation=author.affiliation)
        PaperCategory.objects.filter(paper=paper).delete()
        for position, code in enumerate(record.categories):
            PaperCategory.objects.create(paper=paper, code=code, position=position)
        if record.feature:
            Feature.objects.get_or_create(
                paper=paper,
                day=record.feature.day,
                defaults={"featured_at": record.feature.featured_at, "source": record.source},
            )
        PaperSource.objects.update_or_create(
            paper=paper,
            source=record.source,
            defaults={"last_seen": now},
            create_defaults={"first_seen": now, "last_seen": now},
        )
        if _search_document is not None:
            # The product's import also keeps the full-text index in step; so does the baseline.
            _search_document.objects.update_or_create(
                paper=paper,
                defaults={
                    "title": record.title,
                    "abstract": record.abstract,
                    "authors": "\n".join(a.name for a in record.authors),
                },
            )
    return created


def _search_document_model():
    """SearchDocument when the search app is installed (it is maintained by every import), else None."""
    from django.apps import apps

    if not apps.is_installed("paperfeed.search"):
        return None
    return apps.get_model("search", "SearchDocument")


def _hf_records(paths: list[str]):
    from paperfeed.ingest.sources import hf_daily

    for path in paths:
        parsed = hf_daily.parse_daily_papers(
            Path(path).read_bytes(), origin=path, listing_day=hf_daily.listing_day_from_filename(Path(path).name)
        )
        if parsed.problems:
            raise RuntimeError(f"{path}: {parsed.problems[0]}")
        yield from parsed.records


def _cpu_seconds() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class _ServerCPU:
    """CPU time of this connection's PostgreSQL backend, read from /proc (the server is local).

    SQLite works inside the importing process, so there is nothing to add.
    """

    def __init__(self, connection):
        self.pid = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            if not Path(f"/proc/{self.pid}/stat").exists():
                raise RuntimeError("the PostgreSQL server is not local: cannot read its CPU time")

    def seconds(self) -> float:
        if self.pid is None:
            return 0.0
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _child(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog=f"{SCRIPT} _child", description="one measurement (internal)")
    parser.add_argument("kind", choices=[SNAPSHOT, NAIVE_SNAPSHOT, HF, NAIVE_HF, PARSE])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--profile", metavar="FILE", help="write cProfile stats of the timed part to FILE")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from paperfeed.ingest import services
    from paperfeed.ingest.records import PaperRecord
    from paperfeed.ingest.sources import arxiv_snapshot

    if args.kind != PARSE:
        connection.ensure_connection()
    global _search_document
    _search_document = _search_document_model()
    counts: dict[str, int] = {}

    def work() -> None:
        if args.kind == SNAPSHOT:
            run = services.snapshot_import(path=args.paths[0], batch_size=args.batch_size)
            counts.update(new=run.new, updated=run.updated, unchanged=run.unchanged, skipped=run.skipped)
            if run.status != "ok":
                raise RuntimeError(f"snapshot import: {run.summary()}\n{run.problems}")
        elif args.kind == HF:
            run = services.hf_ingest(files=args.paths)
            counts.update(new=run.new, updated=run.updated, unchanged=run.unchanged, skipped=run.skipped)
            if run.status != "ok":
                raise RuntimeError(f"HF import: {run.summary()}\n{run.problems}")
        elif args.kind in (NAIVE_SNAPSHOT, PARSE):
            with open(args.paths[0], "rb") as stream:
                for item in arxiv_snapshot.iter_snapshot(stream, origin=args.paths[0]):
                    if not isinstance(item, PaperRecord):
                        raise RuntimeError(str(item))
                    if args.kind == PARSE:
                        counts["parsed"] = counts.get("parsed", 0) + 1
                    else:
                        key = "new" if naive_write(item) else "rewritten"
                        counts[key] = counts.get(key, 0) + 1
        elif args.kind == NAIVE_HF:
            for record in _hf_records(args.paths):
                key = "new" if naive_write(record) else "rewritten"
                counts[key] = counts.get(key, 0) + 1

    server = _ServerCPU(connection) if args.kind != PARSE else None
    rss_start = common.peak_rss_kib()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    cpu_before = _cpu_seconds()
    server_before = server.seconds() if server else 0.0
    started = time.perf_counter()
    work()
    elapsed = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before
    server_cpu = (server.seconds() - server_before) if server else 0.0
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    common.report(
        {
            "seconds": elapsed,
            "cpu_seconds": cpu,
            "server_cpu_seconds": server_cpu,
            "records": sum(counts.values()) - counts.get("skipped", 0),
            "counts": counts,
            "rss_start_kib": rss_start,
            "rss_peak_kib": common.peak_rss_kib(),
            "batch_size": args.batch_size or settings.PAPERFEED_INGEST_BATCH_SIZE,
        }
    )


# ==== parent side ====================================================================


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = common.script_parser(SCRIPT, __doc__)
    parser.add_argument("--sizes", type=common.sizes_arg(), default=[10_000, 100_000], metavar="N,N,...",
                        help="synthetic snapshot sizes to import (default 10000,100000)")
    parser.add_argument("--naive-size", type=common.positive_int, default=2_000, metavar="N",
                        help="records for the naive per-record baseline, which is slow (default 2000)")
    parser.add_argument("--runs", type=common.positive_int, default=3, metavar="R",
                        help="runs per measurement; the table shows the median (default 3)")
    parser.add_argument("--database", type=common.database_choice, default=["sqlite", "postgres"],
                        metavar="{sqlite,postgres,both}", help="which database(s) to measure (default both)")
    parser.add_argument("--batch-size", type=common.positive_int, metavar="N",
                        help="records per transaction (default: PAPERFEED_INGEST_BATCH_SIZE, 500)")
    parser.add_argument("--seed", type=int, default=20070402, help="seed of the synthetic snapshot")
    parser.add_argument("--write-docs", action="store_true",
                        help=f"replace this script's section of {common.DOCS_FILE.relative_to(common.REPO_DIR)}")
    parser.add_argument("--profile", action="store_true",
                        help="instead of the benchmark: profile (cProfile) a first import and a re-run of the "
                        "smallest size, and of the HF files, per database, and print where the time goes")
    return parser.parse_args(argv)


def _child_argv(kind: str, paths: list[str], batch_size: int | None, profile: str | None = None) -> list[str]:
    argv = [str(Path(__file__).resolve()), "_child", kind, *paths]
    if batch_size:
        argv += ["--batch-size", str(batch_size)]
    if profile:
        argv += ["--profile", profile]
    return argv


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Bench:
    def __init__(self, args: argparse.Namespace, workdir: Path):
        self.args = args
        self.workdir = workdir
        fixtures = _fixtures()
        self.sample = fixtures / SAMPLE
        self.hf_files = sorted(str(p) for p in (fixtures / HF_BULK).glob("*.json"))
        if not self.hf_files:
            sys.exit(f"{SCRIPT}: no HF daily lists in {fixtures / HF_BULK}")
        self.snapshots: dict[int, Path] = {}
        # results[(database, kind, size, phase)] = [child result, ...]
        self.results: dict[tuple, list[dict]] = defaultdict(list)

    def snapshot(self, size: int) -> Path:
        if size not in self.snapshots:
            path = self.workdir / f"snapshot-{size}.jsonl"
            started = time.perf_counter()
            common.write_synthetic_snapshot(self.sample, size, path, seed=self.args.seed)
            _say(f"wrote {size:,} synthetic records ({path.stat().st_size / 1e6:,.1f} MB) "
                 f"in {time.perf_counter() - started:.1f}s")
            self.snapshots[size] = path
        return self.snapshots[size]

    def _pair(self, provider, kind: str, size: int, paths: list[str]) -> None:
        """First import into a fresh database, then the same input again into it."""
        with provider.fresh() as env:
            common.migrate(env)
            for phase in (FIRST, RERUN):
                result = common.run_child(_child_argv(kind, paths, self.args.batch_size), env)
                _check(kind, phase, size, result)
                self.results[(provider.name, kind, size, phase)].append(result)
                rate = result["records"] / result["seconds"]
                _say(f"  [{provider.name}] {LABELS[kind]} {size:,} {phase}: {rate:,.0f} papers/s, "
                     f"peak RSS {common.fmt_mib(result['rss_peak_kib'])} MiB")

    def run(self, providers: dict) -> None:
        args = self.args
        naive_path = str(self.snapshot(args.naive_size))
        paths = {size: str(self.snapshot(size)) for size in args.sizes}
        hf_items = len(list(_hf_items(self.hf_files)))
        for number in range(1, args.runs + 1):
            _say(f"run {number} of {args.runs}")
            # Cases interleaved run by run, so slow drift of the machine spreads over all of them.
            largest = args.sizes[-1]
            env = {**common.base_env(), "PAPERFEED_DATA_DIR": str(self.workdir)}
            result = common.run_child(_child_argv(PARSE, [paths[largest]], None), env)
            _check(PARSE, FIRST, largest, result)
            self.results[("-", PARSE, largest, FIRST)].append(result)
            _say(f"  parse only {largest:,}: {result['records'] / result['seconds']:,.0f} papers/s")
            for provider in providers.values():
                self._pair(provider, NAIVE_SNAPSHOT, args.naive_size, [naive_path])
                for size in args.sizes:
                    self._pair(provider, SNAPSHOT, size, [paths[size]])
                self._pair(provider, NAIVE_HF, hf_items, self.hf_files)
                self._pair(provider, HF, hf_items, self.hf_files)

    def profile(self, providers: dict) -> None:
        import pstats

        size = self.args.sizes[0]
        cases = [(SNAPSHOT, f"snapshot_import of {size:,} records", [str(self.snapshot(size))]),
                 (HF, f"hf_ingest of {len(self.hf_files)} daily lists", self.hf_files)]
        for provider in providers.values():
            for kind, what, paths in cases:
                with provider.fresh() as env:
                    common.migrate(env)
                    for phase in (FIRST, RERUN):
                        out = self.workdir / f"profile-{provider.name}-{kind}-{phase}.prof"
                        result = common.run_child(_child_argv(kind, paths, self.args.batch_size, str(out)), env)
                        print(f"\n### {provider.name}: {what}, {phase} ({result['seconds']:.2f}s under cProfile, "
                              f"client CPU {result['cpu_seconds']:.2f}s, counts {result['counts']})\n")
                        stats = pstats.Stats(str(out), stream=sys.stdout).strip_dirs()
                        stats.sort_stats("cumulative").print_stats(30)
                        stats.sort_stats("tottime").print_stats(20)


def _hf_items(paths: list[str]):
    import json

    for path in paths:
        yield from json.loads(Path(path).read_bytes())


def _fixtures() -> Path:
    from paperfeed.testing import shared_fixtures_dir

    fixtures = shared_fixtures_dir()
    if not (fixtures / SAMPLE).exists():
        sys.exit(f"{SCRIPT}: shared fixture {fixtures / SAMPLE} is missing (set PAPERFEED_FIXTURES_DIR)")
    return fixtures


def _check(kind: str, phase: str, size: int, result: dict) -> None:
    """Refuse to report a speed for work that did not happen as described."""
    counts = {k: v for k, v in result["counts"].items() if v}
    if kind == SNAPSHOT:
        ok = counts == ({"new": size} if phase == FIRST else {"unchanged": size})
    elif kind == NAIVE_SNAPSHOT:
        ok = counts == ({"new": size} if phase == FIRST else {"rewritten": size})
    elif kind == NAIVE_HF:
        ok = sum(counts.values()) == size
    elif kind == HF:
        ok = "skipped" not in counts and sum(counts.values()) == size
        ok = ok and (phase == FIRST or counts == {"unchanged": size})
    else:
        ok = counts == {"parsed": size}
    if not ok:
        raise RuntimeError(f"{kind} {phase} of {size:,} records: unexpected outcome {result['counts']}")


# ---- the report -------------------------------------------------------------------


def _outcome(results: list[dict]) -> str:
    counts = [tuple(sorted((k, v) for k, v in r["counts"].items() if v)) for r in results]
    if len(set(counts)) > 1:
        return "varies between runs"
    return ", ".join(f"{v:,} {k}" for k, v in counts[0]) or "nothing"


def _per_cpu_second(results: list[dict]) -> str:
    rates = [r["records"] / (r["cpu_seconds"] + r.get("server_cpu_seconds", 0.0)) for r in results]
    return common.fmt_int(common.summarize(rates).median)


def _rate(results: list[dict]) -> common.Summary:
    return common.summarize([r["records"] / r["seconds"] for r in results])


def render(bench: Bench, providers: dict, facts: dict[str, str]) -> str:
    args, results = bench.args, bench.results
    sizes = args.sizes
    batch_size = next(r[0]["batch_size"] for k, r in results.items() if k[1] == SNAPSHOT)
    hf_items = next(k[2] for k in results if k[1] == HF)
    hf_papers = len({item["paper"]["id"] for item in _hf_items(bench.hf_files)})

    rows = []
    for database in providers:
        cases = [(NAIVE_SNAPSHOT, args.naive_size)] + [(SNAPSHOT, s) for s in sizes] + [(NAIVE_HF, hf_items), (HF, hf_items)]
        for kind, size in cases:
            for phase in (FIRST, RERUN):
                runs = results[(database, kind, size, phase)]
                rate = _rate(runs)
                if kind in BASELINE_OF:
                    base = _rate(results[(database, BASELINE_OF[kind], hf_items if kind == HF else args.naive_size, phase)])
                    ratio = common.fmt_ratio(rate.median / base.median)
                else:
                    ratio = "baseline"
                peak = common.summarize([r["rss_peak_kib"] for r in runs])
                rows.append([
                    database, LABELS[kind], phase, common.fmt_int(size), common.fmt_int(rate.median),
                    common.fmt_spread(rate), ratio, _per_cpu_second(runs), _outcome(runs), common.fmt_mib(peak.median),
                ])
    parse_runs = results[("-", PARSE, sizes[-1], FIRST)]
    parse_rate = _rate(parse_runs)
    rows.append([
        "–", LABELS[PARSE], "", common.fmt_int(sizes[-1]), common.fmt_int(parse_rate.median),
        common.fmt_spread(parse_rate), "", _per_cpu_second(parse_runs), _outcome(parse_runs),
        common.fmt_mib(common.summarize([r["rss_peak_kib"] for r in parse_runs]).median),
    ])
    speed = common.markdown_table(
        ["database", "import", "run", "records", "papers/s", "min–max", "vs naive", "papers/CPU-s", "outcome",
         "peak RSS MiB"],
        rows, "llllrrrrlr",
    )

    memory_rows = []
    for database in providers:
        for phase in (FIRST, RERUN):
            runs_by_size = {s: results[(database, SNAPSHOT, s, phase)] for s in sizes}
            peaks = {s: common.summarize([r["rss_peak_kib"] for r in runs]).median for s, runs in runs_by_size.items()}
            growth = {
                s: common.summarize([r["rss_peak_kib"] - r["rss_start_kib"] for r in runs]).median
                for s, runs in runs_by_size.items()
            }
            start = common.summarize([r["rss_start_kib"] for runs in runs_by_size.values() for r in runs]).median
            memory_rows.append([
                database, phase, common.fmt_mib(start),
                *(common.fmt_mib(peaks[s]) for s in sizes),
                *(common.fmt_mib(growth[s]) for s in sizes),
                common.fmt_ratio(peaks[sizes[-1]] / peaks[sizes[0]]) if len(sizes) > 1 else "",
            ])
    size_names = [f"{s:,}" for s in sizes]
    memory = common.markdown_table(
        ["database", "run", "RSS before import", *(f"peak at {n}" for n in size_names),
         *(f"growth at {n}" for n in size_names), f"peak {size_names[-1]} ÷ {size_names[0]}"],
        memory_rows, "llr" + "r" * (2 * len(sizes) + 1),
    )

    snapshot_mb = {s: bench.snapshots[s].stat().st_size / 1e6 for s in sizes}
    files = ", ".join(f"{s:,} records: {snapshot_mb[s]:,.1f} MB" for s in sizes)
    text = f"""\
{common.section_header("Ingestion (`bench/ingest.py`)", facts)}

What is measured (each figure: median of {args.runs} run(s), each in a fresh process on a fresh, migrated database;
papers/s = input records ÷ wall time of the import call alone, without start-up and migrations):

- **snapshot_import**: `paperfeed.ingest.services.snapshot_import`, what `paperfeed import arxiv-snapshot` runs,
  in batches of {batch_size} records, on a synthetic snapshot made by `bench/_common.py` from the
  {_count_lines(bench.sample)} real records of `{SAMPLE}` (same shape: versions, authors, optional fields,
  categories; titles, abstracts and author names recombined with a fixed seed; unique new- and old-style ids;
  {files}). *first*: into an empty catalogue, all new. *re-run*: the same file again, all unchanged.
  Timed is everything the import does in its transactions, including keeping the full-text search documents in
  step with the catalogue.
- **hf_ingest**: `paperfeed.ingest.services.hf_ingest(files=...)`, what `paperfeed ingest hf --file ...` runs, on
  the {len(bench.hf_files)} real daily lists of `{HF_BULK}` ({hf_items:,} items, {hf_papers:,} distinct papers),
  one batch per file. *first*: empty catalogue; *re-run*: the same files again.
- **naive per-record loop (baseline)**: the same parsers, then for each record in its own transaction
  `Paper.objects.update_or_create`, `Author.objects.get_or_create` and a `PaperAuthor` row per author, a
  `PaperCategory` row per category, the feature and organisation (HF), a `PaperSource` row and the paper's
  `SearchDocument` (the full-text index, which the product's import keeps in step too), without the merge rules:
  what straightforward ORM code does. On the first {args.naive_size:,} records of the same synthetic
  snapshot, and on the same HF files; its re-run rewrites every row. **vs naive** = papers/s ÷ the baseline's
  papers/s on the same database in the same phase (first or re-run), measured in the same invocation.
- **parse only**: `arxiv_snapshot.iter_snapshot` over the largest file, no database: the floor set by parsing.
- **papers/CPU-s**: input records ÷ CPU time spent on them: the import process's, plus, on PostgreSQL, that of
  its server backend (SQLite works inside the import process). Unlike papers/s it hardly moves when other
  processes compete for the CPUs, so it is the figure to trust when the load average below is high; on an idle
  machine papers/s approaches it (on PostgreSQL, minus the round trips).
- **peak RSS**: `ru_maxrss` of the import process, Python and Django included.

{speed}

Memory of snapshot_import (MiB; "growth" = peak RSS minus RSS before the import started). A streaming import's
peak does not grow with the input. With SQLite the importing process also holds SQLite's page cache (the
settings ask for `cache_size=-20000`, about 20 MB) and the prepared-statement cache of Python's `sqlite3`; both
are bounded but fill up as the database grows, so part of SQLite's growth is the cache, not the import:

{memory}
"""
    return text


def _count_lines(path: Path) -> int:
    with open(path, "rb") as stream:
        return sum(1 for line in stream if line.strip())


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_child"]:
        _child(argv[1:])
        return
    args = parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="paperfeed-bench-ingest-") as workdir:
        bench = Bench(args, Path(workdir))
        with common.databases(args.database) as providers:
            if args.profile:
                bench.profile(providers)
                return
            extra = {}
            if "postgres" in providers:
                extra["PostgreSQL"] = providers["postgres"].version()
            facts = common.machine_facts(extra)
            bench.run(providers)
        facts["load average at end"] = f"{os.getloadavg()[0]:.2f}"
        facts["benchmark wall time"] = f"{(time.perf_counter() - started) / 60:.1f} min"
        text = render(bench, providers, facts)
    print(text)
    _say(f"benchmark took {time.perf_counter() - started:,.0f}s")
    if args.write_docs:
        path = common.write_docs_section(SCRIPT, text)
        _say(f"wrote {path.relative_to(common.REPO_DIR)}")


if __name__ == "__main__":
    main()
