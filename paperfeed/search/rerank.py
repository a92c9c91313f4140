"""Re-ranking the head of a hybrid result list: a small linear model, pure functions.

Fusion sees each side only as a list of scores. bm25 with OR semantics
rewards a paper that shares one rare word with a long claim as much as one
that matches all of it, and a cosine cannot tell a paper on the claim's topic
from one that states it. So the first PAPERFEED_SEARCH_RERANK_DEPTH papers of
the fused list are scored again as `sum(WEIGHTS[f] * feature f)` over:

* keyword_share: the paper's keyword score, min-max scaled over the keyword
  side's candidates (0 when it is not among them): what fusion uses.
* cosine: the cosine of the query's and the paper's embeddings, unscaled, so
  a clearly close paper keeps its margin.
* tier: the keyword score's tier (0-2: all of a short query's words, and as a
  phrase); keyword_share carries it too, and the model decides how much.
* coverage: the share of the query's content words the paper contains
  (Porter stems of title and abstract), each word weighted by its idf among
  the head's papers, so matching the rare words of the claim counts most.
* bigrams: the share of the query's adjacent content-word pairs that the
  paper also has adjacent.

WEIGHTS were fitted by `bench/search.py --part relevance` on SciFact's train
split (pairwise logistic regression over long claims and three-word queries,
the default model and settings); that script prints the weights it fits
beside these and scores both on the test split. Cosine scales differ between
embedding models: after changing PAPERFEED_EMBEDDING_MODEL, refit or set
PAPERFEED_SEARCH_RERANK_DEPTH=0.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np
import Stemmer

from .hybrid import Ranked, minmax
from .query import STOP_WORDS, tokens_of

FEATURES = ("keyword_share", "cosine", "tier", "coverage", "bigrams")
WEIGHTS: Mapping[str, float] = {
    "keyword_share": 3.42,
    "cosine": 11.31,
    "tier": -2.12,
    "coverage": 2.80,
    "bigrams": 1.60,
}

_local = threading.local()  # a Stemmer has internal state: one per thread


def content_stems(text: str) -> list[str]:
    """Porter stems of the words of `text` that are not stop words, in order."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("porter")
    return stemmer.stemWords([t for t in tokens_of(text) if t not in STOP_WORDS])


@lru_cache(maxsize=4096)
def _paper_terms(text: str) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """A paper's stems and adjacent stem pairs; cached, since the same papers keep coming back."""
    stems = content_stems(text)
    return frozenset(stems), frozenset(zip(stems, stems[1:]))


def features(head: Sequence[int], *, query: str, texts: Mapping[int, str], cosines: Mapping[int, float],
             keyword: Ranked) -> np.ndarray:
    """One row per paper of `head`, one column per name in FEATURES.

    `texts` maps paper ids to their title and abstract, `cosines` to their
    cosine with the query (missing: 0), `keyword` is the keyword side's
    ranking as fusion saw it.
    """
    words = list(dict.fromkeys(content_stems(query)))
    pairs = list(dict.fromkeys(zip(words, words[1:])))
    share = minmax(keyword)
    raw = dict(reversed(list(keyword)))  # the first score of an id wins
    docs = [_paper_terms(texts.get(pk, "")) for pk in head]
    found = {w: sum(1 for have, _pairs in docs if w in have) for w in words}
    idf = {w: math.log((len(head) + 1) / (found[w] + 0.5)) for w in words}
    idf_total = sum(idf.values())
    rows = []
    for pk, (have, adjacent) in zip(head, docs):
        coverage = sum(idf[w] for w in words if w in have) / idf_total if idf_total > 0 else 0.0
        bigrams = sum(1 for p in pairs if p in adjacent) / len(pairs) if pairs else 0.0
        tier = math.floor(raw[pk]) if pk in raw else 0.0
        rows.append((share.get(pk, 0.0), float(cosines.get(pk, 0.0)), tier, coverage, bigrams))
    return np.array(rows, dtype=np.float64).reshape(len(head), len(FEATURES))


def rerank(head: Sequence[int], *, query: str, texts: Mapping[int, str], cosines: Mapping[int, float],
           keyword: Ranked, weights: Mapping[str, float] = WEIGHTS) -> list[tuple[int, float]]:
    """`head` (paper ids, best first) in the model's order: [(paper id, score)]; ties keep `head`'s order.

    Scores are 1 + the logistic of the model's score, so between 1 and 2: above
    every fused score (convex and RRF scores stay below 1), and the papers
    after the head keep theirs.
    """
    head = list(dict.fromkeys(head))
    if not head:
        return []
    unknown = set(weights) - set(FEATURES)
    if unknown:
        raise ValueError(f"unknown re-ranking features: {', '.join(sorted(unknown))}")
    w = np.array([weights.get(name, 0.0) for name in FEATURES])
    scores = features(head, query=query, texts=texts, cosines=cosines, keyword=keyword) @ w
    order = sorted(range(len(head)), key=lambda i: (-scores[i], i))
    return [(head[i], 1.0 + _logistic(float(scores[i]))) for i in order]


def _logistic(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)  # never overflows for x < 0
    return e / (1.0 + e)
