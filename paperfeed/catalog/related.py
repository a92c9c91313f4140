"""Related papers on a paper's page, from search: the paper's nearest neighbours
by embedding, or papers whose text is like its title while it has no embedding
yet (`paperfeed.search.services.similar_paper_ids`).

The page renders them as cards in a fixed number of queries, and omits the
section when there are none.
"""

from __future__ import annotations

from paperfeed.search.services import similar_paper_ids

from .models import Paper


def related_paper_ids(paper: Paper, *, limit: int = 5) -> list[int]:
    """Ids of up to `limit` visible papers like `paper`, best first, never the paper itself."""
    return [pk for pk in similar_paper_ids(paper=paper, limit=limit) if pk != paper.pk][:limit]
