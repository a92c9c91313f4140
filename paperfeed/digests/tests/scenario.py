"""A small catalogue and subscribers for the digest tests, importable from a subprocess too.

The period is Tuesday 10 March 2026 (mails due from 06:00 UTC); the papers
"new" for it arrived on the 9th. Written through the models as ingestion
would leave them, search documents included.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from django.utils import timezone as dj_timezone

from paperfeed.catalog.models import Author, Feature, Organization, Paper
from paperfeed.digests.models import Subscriber, Subscription
from paperfeed.search.tests.papers import add_paper
from paperfeed.testing.actors import make_user

PERIOD = date(2026, 3, 10)
AS_OF = datetime(2026, 3, 10, 7, 0, tzinfo=timezone.utc)
ARRIVED = datetime(2026, 3, 9, 12, 0, tzinfo=timezone.utc)
PUBLISHED = datetime(2026, 3, 8, 18, 0, tzinfo=timezone.utc)
OLD = datetime(2026, 2, 1, 12, 0, tzinfo=timezone.utc)

NEW_PAPERS = [
    # arXiv id, title, abstract, authors, categories, organisation, featured trending score (None: not featured)
    ("2603.00001", "FlashAttention-4: faster attention on new GPUs", "Exact attention, IO-aware, for long contexts.",
     ["Tri Dao", "Ada Lovelace"], ["cs.LG"], "", 9.0),
    ("2603.00002", "Protein folding with sparse attention", "We fold proteins.", ["Grace Hopper"], ["q-bio.BM"],
     "", 7.0),
    ("2603.00003", "A survey of retrieval augmented generation", "Retrieval helps language models.",
     ["Alan Turing"], ["cs.CL"], "google", 5.0),
    ("2603.00004", "Speculative decoding at scale", "Decoding faster with a draft model.", ["Barbara Liskov"],
     ["cs.CL", "cs.LG"], "google", 3.0),
    ("2603.00005", "Diffusion models for weather", "Forecasting with diffusion.", ["Edsger Dijkstra"], ["cs.LG"],
     "", 2.0),
    ("2603.00006", "Graph neural networks for chemistry", "Molecules as graphs.", ["Donald Knuth"], ["cs.LG"],
     "", None),
    ("2603.00007", "Tokenizers matter", "A study of tokenization for language models.", ["Tri Dao"], ["cs.CL"],
     "", None),
    ("2603.00008", "Robot learning from video", "Robots watch videos.", ["Frances Allen"], ["cs.RO"], "", 1.0),
]
OLD_PAPERS = [
    ("2602.00001", "FlashAttention-2: faster attention with better parallelism", "Attention, IO-aware.",
     ["Tri Dao"], ["cs.LG"]),
    ("2602.00002", "Retrieval for question answering", "Retrieval and language models.", ["Alan Turing"],
     ["cs.CL"]),
]


def make_catalogue() -> dict[str, Paper]:
    papers = {}
    for arxiv_id, title, abstract, authors, categories, org, score in NEW_PAPERS:
        paper = add_paper(arxiv_id, title, abstract, authors=authors, categories=categories, published=PUBLISHED)
        fields = {"created_at": ARRIVED, "upstream_upvotes": int((score or 0) * 10)}
        if org:
            fields["organization"] = Organization.objects.get_or_create(name=org, defaults={"full_name": "Google"})[0]
        if score is not None:
            Feature.objects.create(paper=paper, day=date(2026, 3, 9), featured_at=datetime(2026, 3, 9, 6, tzinfo=timezone.utc),
                                   source="hf")
            fields["trending_score"] = score
        Paper.objects.filter(pk=paper.pk).update(**fields)
        papers[arxiv_id] = paper
    for arxiv_id, title, abstract, authors, categories in OLD_PAPERS:
        paper = add_paper(arxiv_id, title, abstract, authors=authors, categories=categories, published=OLD)
        Paper.objects.filter(pk=paper.pk).update(created_at=OLD)
        papers[arxiv_id] = paper
    return papers


def make_subscriber(email: str, *specs: dict, confirmed: bool = True, user=None, **fields) -> Subscriber:
    subscriber = Subscriber.objects.create(
        email=email, user=user, confirmed_at=dj_timezone.now() if confirmed else None, **fields
    )
    from paperfeed.digests.subscriptions import subscription_add

    for spec in specs:
        subscription_add(subscriber=subscriber, spec=spec)
    return subscriber


def trending(frequency: str = "daily") -> dict:
    return {"kind": Subscription.TRENDING, "frequency": frequency}


def saved_search(query: str, frequency: str = "daily", **extra) -> dict:
    return {"kind": Subscription.SEARCH, "frequency": frequency, "query": query, **extra}


def follow_author(name: str, frequency: str = "daily") -> dict:
    return {"kind": Subscription.AUTHOR, "frequency": frequency, "author": Author.objects.get(name=name).pk}


def follow_org(name: str, frequency: str = "daily") -> dict:
    return {"kind": Subscription.ORGANIZATION, "frequency": frequency,
            "organization": Organization.objects.get(name=name).pk}


def follow_category(code: str, frequency: str = "daily") -> dict:
    return {"kind": Subscription.CATEGORY, "frequency": frequency, "category": code}


def make_many(count: int, *, domain: str = "example.org") -> list[Subscriber]:
    """`count` confirmed subscribers with mixed subscriptions (reader000@..., reader001@...)."""
    mixes = [
        [trending()],
        [follow_author("Tri Dao"), trending()],
        [saved_search("retrieval language models"), follow_category("cs.CL")],
        [follow_org("google"), follow_category("cs.LG")],
    ]
    return [make_subscriber(f"reader{n:03d}@{domain}", *mixes[n % len(mixes)]) for n in range(count)]


def build(count: int) -> None:
    """Catalogue and `count` subscribers (for subprocess tests)."""
    make_catalogue()
    make_many(count)


