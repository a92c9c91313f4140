"""Query latency on a synthetic catalogue of N papers (a child of bench/search.py).

The catalogue is bulk-loaded directly (not through papers_upsert, which
would take hours at 1M): papers and search documents with Django's
bulk_create (the FTS5 triggers dropped meanwhile, then `rebuild`), vectors
as raw rows. Paper i is built around SciFact abstract j = i mod 5,183: its
title joins half of j's title and half of another's, its abstract starts
with j's first sentence and goes on with as many random real sentences as j
has; its vector is j's real MiniLM vector plus Gaussian noise (cosine ~0.85
to it), normalised: clustered like real embeddings, not uniform.
"""

from __future__ import annotations

import random
import re
import statistics
import time
from pathlib import Path

import numpy as np

from bench import _common as common
from bench._search_relevance import BEIR, load_beir, short_query

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
NOISE = 0.0316  # per dimension: |noise| ~ 0.62, cosine to the centre ~0.85


def _centres(corpus: list[dict], cache_dir: Path) -> np.ndarray:
    """Real MiniLM vectors of the SciFact abstracts: the relevance run's cache, or encoded now."""
    from paperfeed.search.embeddings import document_text, encode

    cached = sorted(p for p in cache_dir.glob("scifact-*.npz") if re.fullmatch(r"scifact-[0-9a-f]{16}\.npz", p.name))
    if cached:
        vectors = np.load(cached[-1])["vectors"]
        if len(vectors) == len(corpus):
            return vectors.astype(np.float32)
    return encode([document_text(d["title"], d["text"]) for d in corpus])


def build(corpus: list[dict], centres: np.ndarray, size: int, seed: int = 7, text: bool = True) -> dict:
    from datetime import datetime, timedelta, timezone
    from importlib import import_module

    from django.db import connection, transaction

    from paperfeed.catalog.models import Paper
    from paperfeed.search.embeddings import model_name
    from paperfeed.search.models import SearchDocument

    migration = import_module("paperfeed.search.migrations.0002_fulltext_and_vectors")
    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    sentences = [s for d in corpus for s in SENTENCE_END.split(d["text"]) if s]
    shapes = [SENTENCE_END.split(d["text"]) for d in corpus]
    titles = [d["title"].split() for d in corpus]
    model = model_name()
    started = time.perf_counter()
    day0 = datetime(2020, 1, 1, tzinfo=timezone.utc)
    with connection.cursor() as cursor:
        for statement in ("search_fts_insert", "search_fts_delete", "search_fts_update"):
            cursor.execute(f"DROP TRIGGER IF EXISTS {statement}")
    chunk = 5000
    for start in range(0, size, chunk):
        papers, documents = [], []
        for i in range(start, min(size, start + chunk)):
            j = i % len(corpus)
            other = titles[rng.randrange(len(titles))]
            title = " ".join(titles[j][: max(1, len(titles[j]) // 2)] + other[len(other) // 2 :])
            body = [shapes[j][0]] + [sentences[rng.randrange(len(sentences))] for _ in range(len(shapes[j]) - 1)]
            abstract = " ".join(body) if text else ""
            papers.append(Paper(arxiv_id=f"{2001 + i // 99_999}.{i % 99_999 + 1:05d}", title=title, abstract=abstract,
                                version=1, published=day0 + timedelta(minutes=i)))
        rows = np.arange(start, start + len(papers)) % len(corpus)
        vectors = centres[rows] + noise.normal(0.0, NOISE, (len(papers), centres.shape[1])).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        embeddings = [v.astype("<f4").tobytes() for v in vectors]
        with transaction.atomic():
            Paper.objects.bulk_create(papers, batch_size=1000)
            for paper in papers:
                documents.append(SearchDocument(paper_id=paper.pk, title=paper.title, abstract=paper.abstract))
            if text:
                SearchDocument.objects.bulk_create(documents, batch_size=1000)
            now = datetime.now(timezone.utc).isoformat(sep=" ")
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO search_embedding (paper_id, model, dim, vector, text_hash, updated_at) "
                    "VALUES (%s, %s, %s, %s, '', %s)",
                    [(p.pk, model, centres.shape[1], blob, now) for p, blob in zip(papers, embeddings)],
                )
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for statement in migration.SQLITE_FORWARD[1:]:
            cursor.execute(statement)
        if text:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
        cursor.execute("ANALYZE")
    return {"load_seconds": loaded, "fts_seconds": time.perf_counter() - started}


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return {"p50": statistics.median(ordered) * 1000, "p99": p99 * 1000, "n": len(ordered)}


def _timed(fn, inputs: list) -> list[float]:
    times = []
    for item in inputs:
        started = time.perf_counter()
        fn(item)
        times.append(time.perf_counter() - started)
    return times


class Baseline:
    """A straightforward linear scan, as arxiv-sanity-lite searches: every paper, every query."""

    def __init__(self, text: bool = True):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT paper_id, title, abstract, authors FROM search_searchdocument" + ("" if text else " LIMIT 0"))
            # Lower-cased once here, not per query (arxiv-sanity-lite lowers per query: slower still).
            self.papers = [(pk, t.lower(), a.lower(), au.lower()) for pk, t, a, au in cursor.fetchall()]
            cursor.execute("SELECT paper_id, vector FROM search_embedding")
            rows = cursor.fetchall()
        self.ids = np.array([r[0] for r in rows])
        self.matrix = np.frombuffer(b"".join(bytes(r[1]) for r in rows), dtype="<f4").reshape(len(rows), -1)

    def keyword(self, q: str, limit: int = 10) -> list[tuple[int, float]]:
        # arxiv-sanity-lite's search_rank: word counts in title, authors and abstract.
        qs = q.lower().strip().split()
        pairs = []
        for pk, title, abstract, authors in self.papers:
            score = 20.0 * sum(int(w in title) for w in qs)
            score += 10.0 * sum(int(w in authors) for w in qs)
            score += 1.0 * sum(min(3, abstract.count(w)) for w in qs)
            if score > 0:
                pairs.append((score, pk))
        pairs.sort(reverse=True)
        return [(pk, s) for s, pk in pairs[:limit]]

    def semantic(self, q: str, limit: int = 10) -> list[tuple[int, float]]:
        from paperfeed.search.embeddings import encode

        scores = self.matrix @ encode([q], kind="query")[0]
        order = np.argsort(-scores)[:limit]
        return [(int(self.ids[i]), float(scores[i])) for i in order]

    def hybrid(self, q: str, limit: int = 10) -> list[tuple[int, float]]:
        fused: dict[int, float] = {}
        for ranking in (self.keyword(q, 100), self.semantic(q, 100)):
            for rank, (pk, _s) in enumerate(ranking, start=1):
                fused[pk] = fused.get(pk, 0.0) + 1.0 / (60 + rank)
        return sorted(fused.items(), key=lambda p: -p[1])[:limit]


def run_vectors_only(fixtures: Path, size: int, queries: int, cache_dir: Path) -> dict:
    """The vector index alone (semantic_search with query encoding) against numpy X @ q + argsort:
    for a size where building and querying the full-text side does not fit the time at hand."""
    from paperfeed.search import vectors
    from paperfeed.search.embeddings import encode

    corpus, all_queries, qrels = load_beir(fixtures / BEIR)
    built = build(corpus, _centres(corpus, cache_dir), size, text=False)
    qs = [all_queries[qid] for qid in list(qrels["test"])[:queries]]
    started = time.perf_counter()
    vectors.warm_up()
    encode(qs[:1], kind="query")
    out = {"size": size, "vectors_only": True, **built, "warm_seconds": time.perf_counter() - started}
    out["ours"] = {"semantic:long": _percentiles(_timed(
        lambda q: vectors.semantic_search(encode([q], kind="query")[0], limit=10), qs))}
    baseline = Baseline(text=False)
    out["baseline"] = {"semantic:long": _percentiles(_timed(baseline.semantic, qs))}
    out["peak_rss_kib"] = common.peak_rss_kib()
    return out


def run(fixtures: Path, size: int, queries: int, baseline_queries: int, cache_dir: Path) -> dict:
    import math
    from collections import Counter

    from paperfeed.search import services, vectors
    from paperfeed.search.query import tokens_of

    corpus, all_queries, qrels = load_beir(fixtures / BEIR)
    built = build(corpus, _centres(corpus, cache_dir), size)
    df = Counter(t for d in corpus for t in set(tokens_of(f"{d['title']} {d['text']}")))
    idf = {t: math.log(len(corpus) / n) for t, n in df.items()}
    long_q = [all_queries[qid] for qid in list(qrels["test"])[:queries]]
    short_q = [short_query(q, idf) for q in long_q]

    started = time.perf_counter()
    vectors.warm_up()
    services.search(q=long_q[0], mode="hybrid", limit=10)  # loads the model too
    warm = time.perf_counter() - started
    out = {"size": size, **built, "warm_seconds": warm, "ours": {}, "baseline": {}}
    for mode in ("keyword", "semantic", "hybrid"):
        for kind, qs in (("long", long_q), ("short", short_q)):
            times = _timed(lambda q: services.search(q=q, mode=mode, limit=10), qs)
            out["ours"][f"{mode}:{kind}"] = _percentiles(times)
    started = time.perf_counter()
    baseline = Baseline()
    out["baseline_load_seconds"] = time.perf_counter() - started
    # The scan takes seconds a query at 1M papers: fewer queries there.
    few = baseline_queries if size <= 100_000 else min(baseline_queries, 5)
    for mode in ("keyword", "semantic", "hybrid"):
        for kind, qs in (("long", long_q), ("short", short_q)):
            times = _timed(getattr(baseline, mode), qs[:few])
            out["baseline"][f"{mode}:{kind}"] = _percentiles(times)
    out["peak_rss_kib"] = common.peak_rss_kib()
    return out


def render(result: dict) -> str:
    rows = []
    for entry in result["sizes"]:
        for mode in ("keyword", "semantic", "hybrid"):
            for kind in ("long", "short"):
                if f"{mode}:{kind}" not in entry["ours"]:
                    continue
                ours, base = entry["ours"][f"{mode}:{kind}"], entry["baseline"][f"{mode}:{kind}"]
                label = "semantic: vector index only" if entry.get("vectors_only") else mode
                rows.append([
                    f"{entry['size']:,}", label, {"long": "SciFact claims", "short": "3 words"}[kind],
                    f"{ours['p50']:,.1f}", f"{ours['p99']:,.1f}", f"{base['p50']:,.1f}", f"{base['p99']:,.1f}",
                    common.fmt_ratio(base["p50"] / ours["p50"]),
                ])
    notes = [
        f"At {e['size']:,} papers only the vector index was measured (papers without text, no full-text index): "
        "`vectors.semantic_search(encode([q]), limit=10)` against the baseline's numpy scan, both with encoding."
        for e in result["sizes"] if e.get("vectors_only")
    ]
    builds = "; ".join(
        f"{e['size']:,}: load {e['load_seconds']:.0f} s, FTS rebuild {e['fts_seconds']:.0f} s, "
        f"first query (vector index load + model) {e['warm_seconds']:.1f} s, peak RSS {common.fmt_mib(e['peak_rss_kib'])} MiB"
        for e in result["sizes"]
    )
    counts = [(next(iter(e["ours"].values()))["n"], e["size"]) for e in result["sizes"]]
    if len({c for c, _ in counts}) <= 1:
        per_row = f"{counts[0][0] if counts else 0} queries per row"
    else:
        per_row = "queries per row: " + ", ".join(f"{c} at {size:,}" for c, size in counts) + " papers,"
    nb = ", ".join(f"{next(iter(e['baseline'].values()))['n']} at {e['size']:,}" for e in result["sizes"])
    return "\n".join([
        "### Query latency (SQLite, one process)",
        "",
        f"`services.search(q, mode, limit=10)` including query encoding, fusion, re-ranking (hybrid) and snippets; {per_row} "
        f"after one warm-up query; the baseline (a linear scan in the same process over papers and a dense matrix "
        f"held in memory, texts lower-cased in advance) on the first few queries ({nb} papers). Times in ms. Build: {builds}.",
        *(["", *notes] if notes else []),
        "",
        common.markdown_table(
            ["papers", "mode", "queries", "p50", "p99", "baseline p50", "baseline p99", "speed-up (p50)"],
            rows, "lllrrrrr"),
    ])
