"""Fitting the re-ranking model's weights (part of the relevance bench).

For every train query, the features of the first PAPERFEED_SEARCH_RERANK_DEPTH
papers of the fused list come from `services.rerank_inputs` and
`rerank.features` (the product's own code); a pairwise logistic regression then learns weights such that relevant
papers outscore the others of the same query: for each (relevant, other)
pair, maximise log sigmoid(w · (x_relevant - x_other)). Features are
standardised while fitting and the weights scaled back, with a little L2
shrinkage. Deterministic: full-batch gradient descent from zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def head_features(split_sides: Mapping[str, tuple[list, list]], fused: Mapping[str, list], texts_of: Mapping[str, str],
                  vectors: Mapping[str, np.ndarray], depth: int) -> dict[str, tuple[list[int], np.ndarray]]:
    """{qid: (head paper ids, feature rows)} for the queries of one split."""
    from paperfeed.search import rerank
    from paperfeed.search.services import rerank_inputs

    out = {}
    for qid, ranked in fused.items():
        keyword, semantic = split_sides[qid]
        head = [pk for pk, _score in ranked[:depth]]
        texts, cosines = rerank_inputs(head, semantic=semantic, vector=vectors[qid])
        out[qid] = (head, rerank.features(head, query=texts_of[qid], texts=texts, cosines=cosines, keyword=keyword))
    return out


def fit(rows: Sequence[tuple[np.ndarray, np.ndarray]], *, l2: float = 1e-3, steps: int = 2000,
        rate: float = 0.5) -> np.ndarray:
    """Weights from [(feature rows of a query's head, boolean "relevant" per row)]."""
    stacked = np.vstack([x for x, _relevant in rows])
    mean, scale = stacked.mean(axis=0), stacked.std(axis=0) + 1e-9
    diffs = []
    for x, relevant in rows:
        z = (x - mean) / scale
        for i in np.flatnonzero(relevant):
            diffs.append(z[i] - z[~relevant])
    if not diffs:
        raise ValueError("no query has both a relevant and another paper in its head")
    pairs = np.vstack(diffs)
    w = np.zeros(stacked.shape[1])
    for _ in range(steps):
        margin = pairs @ w
        gradient = -(pairs * (1.0 / (1.0 + np.exp(margin)))[:, None]).mean(axis=0) + l2 * w
        w -= rate * gradient
    return w / scale


def rerun(head_rows: Mapping[str, tuple[list[int], np.ndarray]], fused: Mapping[str, list],
          weights: np.ndarray) -> dict[str, list[tuple[int, float]]]:
    """Each query's fused ranking with its head in the order of `weights` (ties keep the fused order)."""
    out = {}
    for qid, (head, x) in head_rows.items():
        scores = x @ weights
        order = sorted(range(len(head)), key=lambda i: (-scores[i], i))
        out[qid] = [(head[i], float(scores[i])) for i in order] + list(fused[qid][len(head):])
    return out
