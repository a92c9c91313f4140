"""Multi-passage document vectors on SciFact: MaxP and MeanP (part of the relevance bench).

Most SciFact abstracts (72%) are longer than the 256 word pieces MiniLM
reads, so a single vector sees only their start. `embeddings.passages` cuts a
paper into "Title. Abstract" plus "Title. <the rest>" passages; here every
passage is encoded and a paper scores either the best of its passages'
cosines (MaxP: several vectors per paper) or the cosine of the normalised
mean of its passage vectors (MeanP: one vector per paper, what paperfeed
stores). Scored exactly with numpy over the same corpus and queries.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def passage_vectors(corpus: list[dict], cache_dir: Path | None) -> tuple[np.ndarray, np.ndarray]:
    """(doc index of each passage, passage vectors), all passages of all documents."""
    from paperfeed.search.embeddings import encode, model_name, passages

    cache = cache_dir / f"scifact-passages-{model_name()}.npz" if cache_dir else None
    if cache and cache.exists():
        saved = np.load(cache)
        return saved["doc"], saved["vectors"]
    texts = [(i, p) for i, d in enumerate(corpus) for p in passages(d["title"], d["text"])]
    vectors = encode([p for _, p in texts], kind="document")
    doc = np.array([i for i, _ in texts])
    if cache:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, doc=doc, vectors=vectors)
    return doc, vectors


def rankings(doc: np.ndarray, vectors: np.ndarray, pk_of_doc: list[int], queries: dict[str, np.ndarray],
             limit: int) -> dict[str, dict[str, list[tuple[int, float]]]]:
    """{"MaxP": {qid: [(pk, score)]}, "MeanP": {...}} for the query vectors given."""
    n = int(doc.max()) + 1
    mean = np.zeros((n, vectors.shape[1]), dtype=np.float32)
    np.add.at(mean, doc, vectors)
    mean /= np.linalg.norm(mean, axis=1, keepdims=True)
    out: dict[str, dict[str, list]] = {"MaxP": {}, "MeanP": {}}
    for qid, q in queries.items():
        per_passage = vectors @ q
        best = np.full(n, -np.inf, dtype=np.float32)
        np.maximum.at(best, doc, per_passage)
        for name, scores in (("MaxP", best), ("MeanP", mean @ q)):
            top = np.argsort(-scores)[:limit]
            out[name][qid] = [(pk_of_doc[i], float(scores[i])) for i in top]
    return out
