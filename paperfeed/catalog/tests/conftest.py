"""Fixtures of the catalogue tests: papers made directly in the database (ingestion
has its own tests). Users alice, bob and charlie come from paperfeed.testing."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest

from paperfeed.catalog.models import Author, Feature, Organization, Paper, PaperAuthor, PaperCategory


def make_paper(
    arxiv_id: str = "2307.08691",
    *,
    title: str | None = None,
    authors: int | list[str] = 2,
    categories: tuple[str, ...] = ("cs.LG", "cs.AI"),
    featured: date | list[date] | None = None,
    featured_at: datetime | None = None,
    published: datetime | None = datetime(2023, 7, 17, 17, 59, tzinfo=timezone.utc),
    organization: str | None = None,
    **fields,
) -> Paper:
    paper = Paper.objects.create(
        arxiv_id=arxiv_id,
        title=title if title is not None else f"Paper {arxiv_id}",
        abstract=fields.pop("abstract", "We study $O(N^2)$ attention."),
        primary_category=categories[0] if categories else "",
        published=published,
        organization=(
            Organization.objects.get_or_create(name=organization, defaults={"full_name": organization.title()})[0]
            if organization
            else None
        ),
        **fields,
    )
    names = authors if isinstance(authors, list) else [f"Author {arxiv_id} {n}" for n in range(authors)]
    people = [Author.objects.get_or_create(name_key=name.casefold(), defaults={"name": name})[0] for name in names]
    PaperAuthor.objects.bulk_create(
        [PaperAuthor(paper=paper, author=person, position=i) for i, person in enumerate(people)]
    )
    PaperCategory.objects.bulk_create(
        [PaperCategory(paper=paper, code=code, position=i) for i, code in enumerate(categories)]
    )
    days = featured if isinstance(featured, list) else ([featured] if featured else [])
    for day in days:
        Feature.objects.create(
            paper=paper,
            day=day,
            featured_at=featured_at or datetime.combine(day, time(6), tzinfo=timezone.utc),
            source="hf",
            submitter_handle="akhaliq",
        )
    return paper


@pytest.fixture
def paper(db):
    return make_paper(featured=date(2023, 7, 18), upstream_upvotes=30)
