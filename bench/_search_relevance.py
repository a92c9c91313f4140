"""Relevance on SciFact (BEIR), measured through paperfeed itself (a child of bench/search.py).

The corpus goes in through `papers_upsert` (synthetic new-style arXiv ids
2001.00001, ... in corpus order; the mapping is kept), vectors through
`embed_pending`, and every ranking comes from paperfeed's own functions:
`keyword_search` (S1's keyword side), `semantic_search` (the vector index),
`hybrid.fuse`, and `services.search` for the product's default settings.

Fusion settings are chosen on the train split (809 queries) only; the test
split (300 queries) is only ever evaluated.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

BEIR = "retrieval-benchmark/scifact-beir"
CANDIDATES = 200
STOPWORDS = frozenset(
    "a an and are as at be by for from has have in is it its of on or that the to was were with which "
    "not no than more less can may does do".split()
)


def load_beir(root: Path) -> tuple[list[dict], dict[str, str], dict[str, dict[str, set[str]]]]:
    corpus = [json.loads(line) for line in (root / "corpus.jsonl").read_text(encoding="utf-8").splitlines() if line]
    queries = {}
    for line in (root / "queries.jsonl").read_text(encoding="utf-8").splitlines():
        if line:
            q = json.loads(line)
            queries[q["_id"]] = q["text"]
    qrels: dict[str, dict[str, set[str]]] = {}
    for split in ("train", "test"):
        pairs: dict[str, set[str]] = defaultdict(set)
        for line in (root / "qrels" / f"{split}.tsv").read_text().splitlines()[1:]:
            qid, doc, score = line.split("\t")
            if int(score) > 0:
                pairs[qid].add(doc)
        qrels[split] = dict(pairs)
    return corpus, queries, qrels


def arxiv_id_of(index: int) -> str:
    return f"{2001 + index // 99_999}.{index % 99_999 + 1:05d}"


def ndcg_at(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    dcg = sum(1.0 / math.log2(rank + 2) for rank, doc in enumerate(ranked[:k]) if doc in relevant)
    ideal = sum(1.0 / math.log2(rank + 2) for rank in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def recall_at(ranked: list[str], relevant: set[str], k: int = 100) -> float:
    return len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 0.0


def evaluate(runs: dict[str, list[str]], qrels: dict[str, set[str]]) -> dict[str, float]:
    ndcg = [ndcg_at(runs.get(qid, []), rel) for qid, rel in qrels.items()]
    recall = [recall_at(runs.get(qid, []), rel) for qid, rel in qrels.items()]
    return {"ndcg10": float(np.mean(ndcg)), "recall100": float(np.mean(recall)), "queries": len(qrels)}


def short_query(text: str, idf: dict[str, float], words: int = 3) -> str:
    """The `words` most informative words of a query (highest IDF in the corpus), in their order."""
    from paperfeed.search.query import tokens_of

    tokens = [t for t in dict.fromkeys(tokens_of(text)) if t not in STOPWORDS and t in idf]
    keep = set(sorted(tokens, key=lambda t: -idf[t])[:words])
    return " ".join(t for t in tokens if t in keep)


def _ingest(corpus: list[dict]) -> tuple[dict[int, str], float]:
    from paperfeed.catalog.models import Paper
    from paperfeed.ingest.records import ARXIV_SNAPSHOT, PaperRecord
    from paperfeed.ingest.upsert import papers_upsert

    started = time.perf_counter()
    for start in range(0, len(corpus), 500):
        records = [
            PaperRecord(arxiv_id=arxiv_id_of(i), source=ARXIV_SNAPSHOT, version=1, title=d["title"] or d["_id"],
                        abstract=d["text"])
            for i, d in enumerate(corpus[start : start + 500], start=start)
        ]
        result = papers_upsert(records=records)
        assert not result.problems, result.problems[:3]
    doc_of_arxiv = {arxiv_id_of(i): d["_id"] for i, d in enumerate(corpus)}
    doc_of_pk = {pk: doc_of_arxiv[a] for pk, a in Paper.objects.values_list("pk", "arxiv_id")}
    return doc_of_pk, time.perf_counter() - started


def _embed(cache_dir: Path | None) -> dict:
    """embed_pending over the corpus, or the vectors a previous run of the same model cached."""
    from paperfeed.search import embeddings
    from paperfeed.search.embedding_jobs import _write, _texts, embed_pending
    from paperfeed.search.models import Embedding

    texts = _texts(_all_paper_ids())
    digest = hashlib.sha256(("\n".join(texts[k] for k in sorted(texts)) + embeddings.model_name()).encode()).hexdigest()[:16]
    cache = cache_dir / f"scifact-{digest}.npz" if cache_dir else None
    if cache and cache.exists():
        saved = np.load(cache)
        ids = [int(i) for i in saved["ids"]]
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            _write(embeddings.model_name(), {i: texts[i] for i in chunk}, dict(zip(chunk, saved["vectors"][start : start + 1000])))
        return {"seconds": None, "cached": True, "count": len(ids)}
    started = time.perf_counter()
    count = embed_pending()
    seconds = time.perf_counter() - started
    if cache:
        cache.parent.mkdir(parents=True, exist_ok=True)
        rows = list(Embedding.objects.order_by("pk").values_list("pk", "vector"))
        np.savez(cache, ids=np.array([pk for pk, _ in rows]), vectors=np.stack([np.frombuffer(bytes(v), "<f4") for _, v in rows]))
    return {"seconds": seconds, "cached": False, "count": count}


def _all_paper_ids() -> list[int]:
    from paperfeed.catalog.models import Paper

    return list(Paper.objects.values_list("pk", flat=True))


def run(fixtures: Path, cache_dir: Path | None) -> dict:
    from django.conf import settings

    from paperfeed.search import hybrid, services
    from paperfeed.search.embeddings import encode
    from paperfeed.search.keyword import keyword_search
    from paperfeed.search.query import parse, tokens_of
    from paperfeed.search.vectors import paper_vector, semantic_search

    corpus, queries, qrels = load_beir(fixtures / BEIR)
    doc_of_pk, ingest_seconds = _ingest(corpus)
    embedded = _embed(cache_dir)

    df = Counter(t for d in corpus for t in set(tokens_of(f"{d['title']} {d['text']}")))
    idf = {t: math.log(len(corpus) / n) for t, n in df.items()}
    splits = {split: {qid: queries[qid] for qid in qrels[split]} for split in ("train", "test")}
    short = {qid: short_query(text, idf) for qid, text in splits["test"].items()}
    short_train = {qid: short_query(text, idf) for qid, text in splits["train"].items()}

    def docs(ranked):
        return [doc_of_pk[pk] for pk, _ in ranked]

    sides: dict[str, dict[str, tuple[list, list]]] = {}
    vectors_of: dict[str, np.ndarray] = {}
    started = time.perf_counter()
    for split, texts in [*splits.items(), ("short", short), ("train-short", short_train)]:
        qids = list(texts)
        qvecs = encode([texts[q] for q in qids], kind="query")
        sides[split] = {}
        for qid, vector in zip(qids, qvecs):
            keyword, _total = keyword_search(parse(texts[qid]), limit=CANDIDATES)
            semantic = semantic_search(vector, limit=CANDIDATES)
            sides[split][qid] = (keyword, semantic)
            vectors_of[f"{split}:{qid}"] = vector
    query_seconds = time.perf_counter() - started

    results: list[dict] = []

    def record(name: str, split: str, ranked_by_qid: dict[str, list], note: str = "") -> dict:
        truth = qrels[{"short": "test", "train-short": "train"}.get(split, split)]
        metrics = evaluate({qid: docs(r) for qid, r in ranked_by_qid.items()}, truth)
        row = {"variant": name, "split": split, "note": note, **metrics}
        results.append(row)
        return row

    def fused(split: str, **params) -> dict[str, list]:
        return {qid: hybrid.fuse(k, s, **params) for qid, (k, s) in sides[split].items()}

    def prf(split: str, base: dict[str, list], m: int, beta: float) -> dict[str, list]:
        """Rocchio on the semantic side: query + beta x mean of the first pass's top m papers."""
        out = {}
        for qid, ranked in base.items():
            top = [paper_vector(pk) for pk, _ in ranked[:m]]
            q = vectors_of[f"{split}:{qid}"] + beta * np.mean(top, axis=0)
            out[qid] = semantic_search(q / np.linalg.norm(q), limit=CANDIDATES)
        return out

    for split in ("train", "train-short", "test", "short"):
        record("keyword (FTS5 bm25, OR of the query's words)", split, {q: k for q, (k, _s) in sides[split].items()})
        record("semantic (all-MiniLM-L6-v2 int8 ONNX, exact)", split, {q: s for q, (_k, s) in sides[split].items()})
        record("hybrid RRF k=60, equal weights", split, fused(split, method="rrf", k=60.0, semantic_weight=0.5))

    # Fusion parameters: grid on train only, long and short queries alike (the mean of both).
    grid = [("rrf", k, w) for k in (10.0, 30.0, 60.0) for w in (0.4, 0.5, 0.6, 0.7)]
    grid += [("convex", 60.0, w) for w in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)]
    train_scores = []
    for method, k, w in grid:
        both = [record(f"hybrid {method} k={k:g} w={w}", split, fused(split, method=method, k=k, semantic_weight=w),
                       note="grid")["ndcg10"] for split in ("train", "train-short")]
        train_scores.append((sum(both) / 2, method, k, w))
    _best, method, k, w = max(train_scores)
    tuned = {"method": method, "k": k, "semantic_weight": w}
    for split in ("test", "short"):
        record(f"hybrid {method} k={k:g} w={w} (best on train)", split, fused(split, method=method, k=k, semantic_weight=w))

    # Re-ranking the fused head (search/rerank.py): with the product's weights, with
    # weights fitted on train now, and without each feature in turn (refitted).
    from bench import _search_rerank
    from paperfeed.search import rerank

    depth = settings.PAPERFEED_SEARCH_RERANK_DEPTH or 30
    texts_of = {"train": splits["train"], "train-short": short_train, "test": splits["test"], "short": short}
    heads = {}
    for split, texts in texts_of.items():
        base = fused(split, **tuned)
        vecs = {qid: vectors_of[f"{split}:{qid}"] for qid in texts}
        heads[split] = (base, _search_rerank.head_features(sides[split], base, texts, vecs, depth))

    def truth(split: str) -> dict[str, set[str]]:
        return qrels[{"short": "test", "train-short": "train"}.get(split, split)]

    def fitted_weights(keep: list[int]) -> np.ndarray:
        rows = [(x[:, keep], np.array([doc_of_pk[pk] in truth(split)[qid] for pk in head]))
                for split in ("train", "train-short") for qid, (head, x) in heads[split][1].items()]
        weights = np.zeros(len(rerank.FEATURES))
        weights[keep] = _search_rerank.fit(rows)
        return weights

    every = list(range(len(rerank.FEATURES)))
    fitted = fitted_weights(every)
    product_weights = np.array([rerank.WEIGHTS.get(name, 0.0) for name in rerank.FEATURES])
    variants = [(f"hybrid + re-rank top {depth}, the product's weights", product_weights, ""),
                (f"hybrid + re-rank top {depth}, weights fitted on train in this run", fitted, "")]
    for i, name in enumerate(rerank.FEATURES):
        variants.append((f"hybrid + re-rank top {depth} without {name} (refitted)", fitted_weights(every[:i] + every[i + 1:]),
                         "ablation"))
    for name, weights, note in variants:
        for split in ("train", "train-short", "test", "short"):
            record(name, split, _search_rerank.rerun(heads[split][1], heads[split][0], weights), note=note)

    # Pseudo-relevance feedback on the semantic side, then the tuned fusion; chosen on train.
    prf_scores = []
    for m in (3, 5, 10):
        for beta in (0.5, 1.0):
            base = fused("train", **tuned)
            sem = prf("train", base, m, beta)
            ranked = {q: hybrid.fuse(sides["train"][q][0], sem[q], **tuned) for q in base}
            row = record(f"hybrid + semantic PRF m={m} beta={beta}", "train", ranked, note="grid")
            prf_scores.append((row["ndcg10"], m, beta))
    _best, m, beta = max(prf_scores)
    for split in ("test",):
        base = fused(split, **tuned)
        sem = prf(split, base, m, beta)
        record(f"semantic PRF m={m} beta={beta} (best on train)", split, sem)
        record(f"hybrid + semantic PRF m={m} beta={beta} (best on train)", split,
               {q: hybrid.fuse(sides[split][q][0], sem[q], **tuned) for q in base})

    # Several passages per paper (bench-only scoring with numpy; see _search_passages).
    from bench import _search_passages

    doc, pvectors = _search_passages.passage_vectors(corpus, cache_dir)
    pk_of_doc = {d: pk for pk, d in doc_of_pk.items()}
    pks = [pk_of_doc[d["_id"]] for d in corpus]
    fusion_grid = [("rrf", 10.0, 0.5), ("rrf", 60.0, 0.5), ("rrf", 10.0, 0.6), ("convex", 60.0, 0.4),
                   ("convex", 60.0, 0.5), ("convex", 60.0, 0.6)]
    for split in ("train", "train-short", "test", "short"):
        qv = {qid: vectors_of[f"{split}:{qid}"] for qid in sides[split]}
        for name, ranked in _search_passages.rankings(doc, pvectors, pks, qv, CANDIDATES).items():
            sides[f"{split}:{name}"] = {qid: (sides[split][qid][0], ranked[qid]) for qid in ranked}
    for name in ("MaxP", "MeanP"):
        for split in ("train", "train-short", "test", "short"):
            record(f"semantic {name} (passages, numpy)", split, {q: s for q, (_k, s) in sides[f"{split}:{name}"].items()})
        scores = []
        for method, k, w in fusion_grid:
            both = [record(f"hybrid {method} k={k:g} w={w}, semantic {name}", split,
                           fused(f"{split}:{name}", method=method, k=k, semantic_weight=w), note="grid")["ndcg10"]
                    for split in ("train", "train-short")]
            scores.append((sum(both) / 2, method, k, w))
        _best, method, k, w = max(scores)
        for split in ("test", "short"):
            record(f"hybrid {method} k={k:g} w={w}, semantic {name} (best on train)", split,
                   fused(f"{split}:{name}", method=method, k=k, semantic_weight=w))

    # The product: services.search, with the fusion chosen on train as its settings
    # (docs/settings.md gives the same values as the defaults).
    settings.PAPERFEED_SEARCH_FUSION = tuned["method"]
    settings.PAPERFEED_SEARCH_RRF_K = tuned["k"]
    settings.PAPERFEED_SEARCH_SEMANTIC_WEIGHT = tuned["semantic_weight"]
    product = {}
    for mode in ("keyword", "semantic", "hybrid"):
        for split, texts in (("test", splits["test"]), ("short", short)):
            ranked = {qid: [(pk, 0.0) for pk in services.search(q=text, mode=mode, limit=100).paper_ids]
                      for qid, text in texts.items()}
            product[f"{mode}:{split}"] = record(f"product: services.search(mode={mode!r})", split, ranked,
                                                note="defaults")
    return {
        "results": results,
        "tuned": tuned,
        "rerank": {"depth": depth, "features": list(rerank.FEATURES), "fitted": [round(float(w), 3) for w in fitted],
                   "product": [rerank.WEIGHTS.get(name, 0.0) for name in rerank.FEATURES]},
        "prf": {"m": m, "beta": beta},
        "settings": {
            "fusion": settings.PAPERFEED_SEARCH_FUSION,
            "rrf_k": settings.PAPERFEED_SEARCH_RRF_K,
            "semantic_weight": settings.PAPERFEED_SEARCH_SEMANTIC_WEIGHT,
            "title_weight": settings.PAPERFEED_SEARCH_TITLE_WEIGHT,
            "candidates": settings.PAPERFEED_SEARCH_CANDIDATES,
        },
        "corpus": len(corpus),
        "ingest_seconds": ingest_seconds,
        "embedded": embedded,
        "query_seconds": query_seconds,
        "short_examples": [(splits["test"][q], short[q]) for q in list(short)[:3]],
    }
