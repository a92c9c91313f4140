"""One recipient's digest, cut from the period's shared data: a pure function.

    digest_build(data=..., subscriptions=[Spec, ...], sent=set of paper ids,
                 last_cutoff=..., weekends=False, cap=20) -> Digest

Every paper appears once, under its most specific reason (a followed author,
then a followed organisation, a saved search, a followed category, trending),
and never if it was in an earlier mail (`sent`). Sections come in that order;
the mail shows the first `cap` papers, the site all of them ("see all N").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings

from .content import PeriodData
from .models import WEEKLY, Subscription
from .periods import is_due, window_of

PRIORITY = [Subscription.AUTHOR, Subscription.ORGANIZATION, Subscription.SEARCH, Subscription.CATEGORY,
            Subscription.TRENDING]


@dataclass(frozen=True)
class Spec:
    """A subscription, as much of it as a digest needs."""

    id: int
    kind: str
    frequency: str
    label: str = ""  # the author's or organisation's name
    query: str = ""
    category: str = ""
    mode: str = ""
    author_id: int | None = None
    organization_id: int | None = None

    @property
    def search_key(self) -> tuple[str, str, str]:
        return (self.query, self.category, self.mode)


@dataclass
class Section:
    kind: str
    title: str
    paper_ids: list[int] = field(default_factory=list)


@dataclass
class Digest:
    sections: list[Section]  # every paper, in order
    shown: list[Section]  # the first `cap` of them, for the mail
    total: int

    @property
    def is_empty(self) -> bool:
        return self.total == 0

    @property
    def shown_count(self) -> int:
        return sum(len(s.paper_ids) for s in self.shown)

    def reasons(self) -> dict[int, str]:
        """paper id -> kind of the section it is shown under (in the mail)."""
        return {pk: section.kind for section in self.shown for pk in section.paper_ids}


def section_title(spec: Spec) -> str:
    if spec.kind in (Subscription.AUTHOR, Subscription.ORGANIZATION):
        return f"New from {spec.label}"
    if spec.kind == Subscription.SEARCH:
        where = f" in {spec.category}" if spec.category else ""
        return f"New results for “{spec.query}”{where}"
    if spec.kind == Subscription.CATEGORY:
        return f"New in {spec.category}"
    return "Trending this week" if spec.frequency == WEEKLY else "Trending"


def _candidates(data: PeriodData, spec: Spec, start: datetime, end: datetime) -> list[int]:
    papers = data.papers

    def new_in_window(pk: int) -> bool:
        info = papers.get(pk)
        return info is not None and info.is_new and start <= info.created_at < end

    if spec.kind == Subscription.TRENDING:
        first, last = start.date(), end.date()
        return [pk for pk in data.trending_ids if any(first <= day < last for day in papers[pk].featured_days)]
    if spec.kind == Subscription.SEARCH:
        return [pk for pk, _score in data.searches.get(spec.search_key, []) if new_in_window(pk)]
    if spec.kind == Subscription.AUTHOR:
        return [pk for pk in data.new_ids if new_in_window(pk) and spec.author_id in papers[pk].author_ids]
    if spec.kind == Subscription.ORGANIZATION:
        return [pk for pk in data.new_ids if new_in_window(pk) and papers[pk].organization_id == spec.organization_id]
    if spec.kind == Subscription.CATEGORY:
        return [pk for pk in data.new_ids if new_in_window(pk) and spec.category in papers[pk].categories]
    return []


def digest_build(*, data: PeriodData, subscriptions: list[Spec], sent: set[int], last_cutoff: datetime | None,
                 weekends: bool, cap: int, trending_top: int | None = None) -> Digest:
    top = trending_top if trending_top is not None else settings.PAPERFEED_DIGEST_TRENDING_TOP
    due = [s for s in subscriptions if is_due(s.frequency, data.period, weekends=weekends)]
    rank = {kind: n for n, kind in enumerate(PRIORITY)}
    due.sort(key=lambda s: (rank.get(s.kind, len(PRIORITY)), s.id))
    taken: set[int] = set(sent)
    sections: list[Section] = []
    for spec in due:
        start, end = window_of(spec.frequency, data.period, last_cutoff=last_cutoff)
        limit = top if spec.kind == Subscription.TRENDING else None
        section = Section(spec.kind, section_title(spec))
        for pk in _candidates(data, spec, start, end):
            if limit is not None and len(section.paper_ids) >= limit:
                break
            if pk not in taken:
                taken.add(pk)
                section.paper_ids.append(pk)
        if section.paper_ids:
            sections.append(section)
    shown, room = [], max(0, cap)
    for section in sections:
        if room <= 0:
            break
        part = section.paper_ids[:room]
        shown.append(Section(section.kind, section.title, part))
        room -= len(part)
    return Digest(sections=sections, shown=shown, total=sum(len(s.paper_ids) for s in sections))
