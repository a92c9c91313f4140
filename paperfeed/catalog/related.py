"""Related papers on a paper's page.

Empty until something provides them: the search work appends a provider to
`related_providers` (explicitly, at start-up, like `ingest.services.after_upsert_hooks`).
A provider takes the paper and a limit and returns paper ids, best first. The
page renders them as cards in a fixed number of queries, and omits the
section when there are none.
"""

from __future__ import annotations

from collections.abc import Callable

from .models import Paper

related_providers: list[Callable[[Paper, int], list[int]]] = []


def related_paper_ids(paper: Paper, *, limit: int = 5) -> list[int]:
    for provider in related_providers:
        ids = [pk for pk in provider(paper, limit) if pk != paper.pk]
        if ids:
            return ids[:limit]
    return []
