"""Papers for the search tests: written to the catalogue and indexed the way
ingestion does it (search_documents_update), plus a stand-in for the semantic side."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

from paperfeed.catalog.models import Author, Paper, PaperAuthor, PaperCategory, author_name_key
from paperfeed.search import services
from paperfeed.search.documents import search_documents_update

MARCH = datetime(2024, 3, 1, 12, tzinfo=timezone.utc)


def add_paper(
    arxiv_id: str,
    title: str,
    abstract: str = "",
    *,
    authors: Sequence[str] = ("Ada Lovelace",),
    categories: Sequence[str] = ("cs.CL",),
    published: datetime | None = MARCH,
    hidden: bool = False,
    index: bool = True,
) -> Paper:
    paper = Paper.objects.create(
        arxiv_id=arxiv_id,
        title=title,
        abstract=abstract,
        primary_category=categories[0] if categories else "",
        published=published,
        is_hidden=hidden,
    )
    for position, name in enumerate(authors):
        person, _ = Author.objects.get_or_create(name_key=author_name_key(name), defaults={"name": name})
        PaperAuthor.objects.create(paper=paper, author=person, position=position)
    for position, code in enumerate(categories):
        PaperCategory.objects.create(paper=paper, code=code, position=position)
    if index:
        search_documents_update(paper_ids=[paper.pk])
    return paper


def ids(results) -> list[str]:
    """arXiv ids of results (a SearchResults or [(pk, score)]), in order."""
    pks = results.paper_ids if hasattr(results, "paper_ids") else [pk for pk, _score in results]
    by_pk = dict(Paper.objects.filter(pk__in=pks).values_list("pk", "arxiv_id"))
    return [by_pk[pk] for pk in pks]


class FakeSemantic:
    """Stands in for the embeddings and the vector index: `ranking` is what
    semantic search answers for any query (restricted to `paper_ids` when
    given), `neighbours` what nearest_papers answers per paper id."""

    def __init__(self, monkeypatch, ranking: Sequence[Paper] = (), *, ready: bool = True,
                 neighbours: dict[int, Sequence[Paper]] | None = None):
        self.ranking = [(p.pk, 0.9 - i * 0.01) for i, p in enumerate(ranking)]
        self.neighbours = {pk: [(p.pk, 0.8 - i * 0.01) for i, p in enumerate(found)] for pk, found in (neighbours or {}).items()}
        self.calls: list[dict] = []
        self.cosine_calls: list[list[int]] = []
        monkeypatch.setattr(services, "_semantic_ready", lambda: ready)
        monkeypatch.setattr(services, "_query_vector", lambda text: [1.0, 0.0])
        monkeypatch.setattr(services, "_semantic_search", self.semantic_search)
        monkeypatch.setattr(services, "_nearest", self.nearest)
        monkeypatch.setattr(services, "_cosines", self.cosines)

    def semantic_search(self, vector, *, limit, paper_ids=None):
        self.calls.append({"limit": limit, "paper_ids": paper_ids})
        allowed = None if paper_ids is None else set(paper_ids)
        return [(pk, s) for pk, s in self.ranking if allowed is None or pk in allowed][:limit]

    def cosines(self, vector, paper_ids):
        self.cosine_calls.append(list(paper_ids))
        return {pk: s for pk, s in self.ranking if pk in set(paper_ids)}

    def nearest(self, paper_id, *, limit):
        return self.neighbours.get(paper_id, [])[:limit]
