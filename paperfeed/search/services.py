"""Search as services: one call from the search page, the CLI and the paper page.

    search(*, q, mode="hybrid", category=None, since=None, until=None, limit=20, offset=0) -> SearchResults
    similar(*, paper, limit=20, offset=0) -> SearchResults          # "More like this"
    similar_paper_ids(*, paper, limit=5) -> list[int]               # "Related papers"

Hidden papers never appear. Hybrid takes the best PAPERFEED_SEARCH_CANDIDATES
from each side (more for deep pages), fuses them (`hybrid.fuse`), re-ranks
the first PAPERFEED_SEARCH_RERANK_DEPTH of the fused list (`rerank.rerank`)
and pages the result; it is keyword search alone while nothing is embedded or
the model cannot run. Phrases, `author:` and exclusions hold for semantic results
too: the semantic side only ranks papers that satisfy them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.utils.safestring import SafeString

from paperfeed.catalog.models import Paper

from . import hybrid, rerank
from .keyword import Filters, filtered_ids, keyword_ids, keyword_search, snippets, visible_ids
from .models import Embedding
from .query import ParsedQuery, parse, terms_query

log = logging.getLogger("paperfeed.search")

HYBRID, KEYWORD, SEMANTIC = "hybrid", "keyword", "semantic"
MODES = (HYBRID, KEYWORD, SEMANTIC)
# The semantic side is restricted to the papers a query's phrases, authors and
# filters allow, when there are at most this many; else it over-fetches and filters.
RESTRICT_LIMIT = 5000
OVERFETCH = 4


@dataclass
class Hit:
    paper_id: int
    score: float
    # HTML with the query's words in <mark>, source text escaped; "" when none.
    title_html: SafeString | str = ""
    snippet_html: SafeString | str = ""


@dataclass
class SearchResults:
    hits: list[Hit]
    total: int
    offset: int = 0
    limit: int = 20
    mode: str = KEYWORD  # the mode that ran: hybrid falls back to keyword
    query: ParsedQuery = field(default_factory=ParsedQuery)
    # False when semantic results were asked for but nothing is embedded yet.
    semantic_available: bool = True

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.hits) < self.total

    @property
    def paper_ids(self) -> list[int]:
        return [hit.paper_id for hit in self.hits]


def search(*, q: str, mode: str = HYBRID, category: str | None = None, since: date | None = None,
           until: date | None = None, limit: int = 20, offset: int = 0) -> SearchResults:
    """Papers for the query `q` (see query.py for its syntax), best first, one page."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    limit, offset = max(0, limit), max(0, offset)
    parsed = parse(q)
    filters = Filters.of(parsed, category=category, since=since, until=until)
    empty = SearchResults(hits=[], total=0, offset=offset, limit=limit, mode=mode, query=parsed)
    if not parsed.has_text and not filters:
        return empty
    if not parsed.has_text or mode == KEYWORD:  # a filter alone lists its papers, newest first
        ranked, total = keyword_search(parsed, filters=filters, limit=limit, offset=offset)
        return _results(parsed, ranked, total, offset=offset, limit=limit, mode=KEYWORD)

    candidates = max(settings.PAPERFEED_SEARCH_CANDIDATES, offset + limit)
    semantic, vector = _semantic_candidates(parsed, filters, candidates)
    if mode == SEMANTIC:
        if semantic is None:
            empty.semantic_available = False
            return empty
        return _results(parsed, semantic[offset : offset + limit], len(semantic), offset=offset, limit=limit,
                        mode=SEMANTIC)
    keyword, keyword_total = keyword_search(parsed, filters=filters, limit=candidates)
    if semantic is None:  # nothing embedded (yet): keyword search is the answer
        page = keyword[offset : offset + limit]
        return _results(parsed, page, keyword_total, offset=offset, limit=limit, mode=KEYWORD)
    fused = hybrid.fuse(
        keyword,
        semantic,
        method=settings.PAPERFEED_SEARCH_FUSION,
        k=settings.PAPERFEED_SEARCH_RRF_K,
        semantic_weight=settings.PAPERFEED_SEARCH_SEMANTIC_WEIGHT,
    )
    if offset < settings.PAPERFEED_SEARCH_RERANK_DEPTH and vector is not None:
        fused = _reranked(parsed, fused, keyword=keyword, semantic=semantic, vector=vector)
    total = max(len(fused), keyword_total)
    return _results(parsed, fused[offset : offset + limit], total, offset=offset, limit=limit, mode=HYBRID)


def similar(*, paper: Paper, limit: int = 20, offset: int = 0) -> SearchResults:
    """Papers like `paper` (itself excluded): its nearest neighbours by embedding, or by
    keyword similarity to its title while it has no embedding."""
    limit, offset = max(0, limit), max(0, offset)
    ranked, mode = _neighbours(paper, max(settings.PAPERFEED_SEARCH_CANDIDATES, offset + limit))
    return SearchResults(
        hits=[Hit(pk, score) for pk, score in ranked[offset : offset + limit]],
        total=len(ranked),
        offset=offset,
        limit=limit,
        mode=mode,
    )


def similar_paper_ids(*, paper: Paper, limit: int = 5) -> list[int]:
    """Ids of up to `limit` visible papers like `paper`, best first (the paper page's
    "Related papers")."""
    ranked, _mode = _neighbours(paper, limit)
    return [pk for pk, _score in ranked[:limit]]


# --- the semantic side ------------------------------------------------------------------


def _semantic_ready() -> bool:
    """Whether anything is embedded under the configured model (one query)."""
    from . import embeddings

    return Embedding.objects.filter(model=embeddings.model_name()).exists()


def _query_vector(text: str):
    from . import embeddings

    try:
        return embeddings.encode([text], kind="query")[0]
    except (ImportError, OSError, RuntimeError, ValueError) as exc:
        log.warning("semantic search unavailable, falling back to keyword search: %s", exc)
        return None


def _semantic_search(vector, *, limit: int, paper_ids: list[int] | None) -> list[tuple[int, float]]:
    from . import vectors

    return vectors.semantic_search(vector, limit=limit, paper_ids=paper_ids)


def _cosines(vector, paper_ids: list[int]) -> dict[int, float]:
    from . import vectors

    return vectors.cosines(vector, paper_ids)


def _nearest(paper_id: int, *, limit: int) -> list[tuple[int, float]]:
    from . import vectors

    return vectors.nearest_papers(paper_id, limit=limit)


def _semantic_candidates(parsed: ParsedQuery, filters: Filters, limit: int):
    """(the best `limit` semantic results allowed by the query and filters, the query's
    vector); (None, None) when semantic search cannot run (nothing embedded, no model)."""
    if not _semantic_ready():
        return None, None
    if not parsed.text.strip():  # only author: parts: nothing to mean
        return [], None
    allowed: list[int] | None = None
    if parsed.has_constraints:
        allowed = keyword_ids(parsed, filters=filters, limit=RESTRICT_LIMIT)
    elif filters:
        allowed = filtered_ids(filters, limit=RESTRICT_LIMIT + 1)
        if len(allowed) > RESTRICT_LIMIT:
            allowed = None
    if allowed is not None and not allowed:
        return [], None
    vector = _query_vector(parsed.text)
    if vector is None:
        return None, None
    # semantic_search answers visible papers only; `allowed` already passed the filters.
    if allowed is not None or not filters:
        return [(pk, float(score)) for pk, score in _semantic_search(vector, limit=limit, paper_ids=allowed)], vector
    found = _semantic_search(vector, limit=limit * OVERFETCH, paper_ids=None)
    keep = visible_ids([pk for pk, _score in found], filters=filters)
    return [(pk, float(score)) for pk, score in found if pk in keep][:limit], vector


def _reranked(parsed: ParsedQuery, fused: list[tuple[int, float]], *, keyword, semantic, vector
              ) -> list[tuple[int, float]]:
    """`fused` with its first PAPERFEED_SEARCH_RERANK_DEPTH papers in the re-ranking model's order."""
    depth = settings.PAPERFEED_SEARCH_RERANK_DEPTH
    head = [pk for pk, _score in fused[:depth]]
    texts, cosines = rerank_inputs(head, semantic=semantic, vector=vector)
    ranked = rerank.rerank(head, query=parsed.text, texts=texts, cosines=cosines, keyword=keyword)
    return ranked + fused[depth:]


def rerank_inputs(head: list[int], *, semantic: list[tuple[int, float]], vector
                  ) -> tuple[dict[int, str], dict[int, float]]:
    """({paper id: "title\nabstract"}, {paper id: cosine}) for the papers of `head`: what
    re-ranking reads (also what bench/search.py fits its weights on)."""
    cosines = {pk: score for pk, score in semantic}
    missing = [pk for pk in head if pk not in cosines]
    if missing:  # keyword-only papers
        cosines.update(_cosines(vector, missing))
    texts = {pk: f"{title}\n{abstract}" for pk, title, abstract in
             Paper.objects.filter(pk__in=head).values_list("pk", "title", "abstract")}
    return texts, cosines


def _neighbours(paper: Paper, limit: int) -> tuple[list[tuple[int, float]], str]:
    # nearest_papers answers visible papers only, never the paper itself.
    found = [(pk, float(s)) for pk, s in _nearest(paper.pk, limit=limit + 1) if pk != paper.pk]
    if found:
        return found[:limit], SEMANTIC
    ranked, _total = keyword_search(terms_query(paper.title), limit=limit + 1)
    return [(pk, s) for pk, s in ranked if pk != paper.pk][:limit], KEYWORD


# --- pages -----------------------------------------------------------------------------


def _results(parsed: ParsedQuery, ranked: list[tuple[int, float]], total: int, *, offset: int, limit: int,
             mode: str) -> SearchResults:
    marked = snippets(parsed, [pk for pk, _score in ranked])
    hits = [Hit(pk, score, *marked.get(pk, ("", ""))) for pk, score in ranked]
    return SearchResults(hits=hits, total=total, offset=offset, limit=limit, mode=mode, query=parsed)
