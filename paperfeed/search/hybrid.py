"""Fusing keyword and semantic results into one ranking: pure functions.

Each side is a list of (paper id, score), best first, scores higher-is-better.

* Reciprocal rank fusion (`rrf`): a paper at rank r (from 1) on a side earns
  weight / (k + r) there; the sums rank. Scores are ignored, so bm25 and
  cosine need no common scale.
* Convex combination (`convex`): each side's scores are min-max normalised to
  0..1 over its candidates (a side whose scores are all equal gives 1 to each),
  then fused = (1 - w) · keyword + w · semantic; a paper missing from a side
  gets 0 there.

`w` is the semantic side's share under both. Ties keep the keyword order,
then the semantic order.
"""

from __future__ import annotations

from collections.abc import Sequence

Ranked = Sequence[tuple[int, float]]

RRF, CONVEX = "rrf", "convex"
FUSIONS = (RRF, CONVEX)


def rrf(keyword: Ranked, semantic: Ranked, *, k: float = 60.0, semantic_weight: float = 0.5) -> list[tuple[int, float]]:
    """Reciprocal rank fusion of two rankings."""
    _check(k=k, semantic_weight=semantic_weight)
    scores: dict[int, float] = {}
    for weight, ranking in ((1.0 - semantic_weight, keyword), (semantic_weight, semantic)):
        for rank, pk in enumerate(_unique_ids(ranking), start=1):
            scores[pk] = scores.get(pk, 0.0) + weight / (k + rank)
    return _sorted(scores, keyword, semantic)


def convex(keyword: Ranked, semantic: Ranked, *, semantic_weight: float = 0.5) -> list[tuple[int, float]]:
    """Weighted sum of min-max normalised scores."""
    _check(semantic_weight=semantic_weight)
    scores: dict[int, float] = {}
    for weight, ranking in ((1.0 - semantic_weight, keyword), (semantic_weight, semantic)):
        for pk, value in minmax(ranking).items():
            scores[pk] = scores.get(pk, 0.0) + weight * value
        for pk in _unique_ids(ranking):
            scores.setdefault(pk, 0.0)
    return _sorted(scores, keyword, semantic)


def fuse(keyword: Ranked, semantic: Ranked, *, method: str = RRF, k: float = 60.0,
         semantic_weight: float = 0.5) -> list[tuple[int, float]]:
    """One ranking from both sides. With one side empty, the other side as it is."""
    if not semantic:
        return _first_scores(keyword)
    if not keyword:
        return _first_scores(semantic)
    if method == RRF:
        return rrf(keyword, semantic, k=k, semantic_weight=semantic_weight)
    if method == CONVEX:
        return convex(keyword, semantic, semantic_weight=semantic_weight)
    raise ValueError(f"fusion must be one of {', '.join(FUSIONS)}, not {method!r}")


def minmax(ranking: Ranked) -> dict[int, float]:
    """{id: score scaled to 0..1} (the first score seen for an id counts)."""
    first = _first_scores(ranking)
    if not first:
        return {}
    values = [score for _pk, score in first]
    low, high = min(values), max(values)
    if high - low <= 0:
        return {pk: 1.0 for pk, _score in first}
    return {pk: (score - low) / (high - low) for pk, score in first}


def _check(*, k: float = 1.0, semantic_weight: float) -> None:
    if not 0.0 <= semantic_weight <= 1.0:
        raise ValueError(f"semantic_weight must be between 0 and 1, not {semantic_weight}")
    if k <= 0:
        raise ValueError(f"k must be positive, not {k}")


def _unique_ids(ranking: Ranked) -> list[int]:
    return list(dict.fromkeys(pk for pk, _score in ranking))


def _first_scores(ranking: Ranked) -> list[tuple[int, float]]:
    seen: dict[int, float] = {}
    for pk, score in ranking:
        seen.setdefault(pk, float(score))
    return list(seen.items())


def _sorted(scores: dict[int, float], keyword: Ranked, semantic: Ranked) -> list[tuple[int, float]]:
    position: dict[int, tuple[int, int]] = {}
    big = len(keyword) + len(semantic) + 1
    keyword_rank = {pk: i for i, pk in enumerate(_unique_ids(keyword))}
    semantic_rank = {pk: i for i, pk in enumerate(_unique_ids(semantic))}
    for pk in scores:
        position[pk] = (keyword_rank.get(pk, big), semantic_rank.get(pk, big))
    return sorted(scores.items(), key=lambda item: (-item[1], position[item[0]], item[0]))
