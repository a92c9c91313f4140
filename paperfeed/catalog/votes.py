"""Local upvotes: one Vote per user and paper, and `Paper.upvotes` always equal
to the number of Vote rows.

Each change is one transaction that inserts or deletes the Vote and moves the
count with an F() expression, so concurrent voters never lose an update:
SQLite serialises writers (IMMEDIATE transactions, busy timeout), PostgreSQL
locks the paper's row on UPDATE, and the unique constraint
`vote_one_per_user_and_paper` settles two requests of the same user racing.
The paper's trending score is recomputed in the same transaction.
"""

from __future__ import annotations

from collections import Counter

from django.db import IntegrityError, transaction
from django.db.models import Count, F

from .models import Paper, Vote
from .trending import paper_trending_refresh


def _count(paper_id: int) -> int:
    return Paper.objects.values_list("upvotes", flat=True).get(pk=paper_id)


def _add(user, paper_id: int) -> bool:
    """Insert the vote; False when it was there already. Inside a transaction."""
    try:
        with transaction.atomic():  # a savepoint: the race loser rolls back only this
            Vote.objects.create(user=user, paper_id=paper_id)
    except IntegrityError:
        return False
    Paper.objects.filter(pk=paper_id).update(upvotes=F("upvotes") + 1)
    return True


def _remove(user, paper_id: int) -> bool:
    deleted, _ = Vote.objects.filter(user=user, paper_id=paper_id).delete()
    if deleted:
        Paper.objects.filter(pk=paper_id).update(upvotes=F("upvotes") - deleted)
    return bool(deleted)


def _change(user, paper: Paper, want: bool | None) -> tuple[bool, int]:
    with transaction.atomic():
        if want is None:  # toggle
            voted = not _remove(user, paper.pk)
            if voted:
                _add(user, paper.pk)
        elif want:
            _add(user, paper.pk)
            voted = True
        else:
            _remove(user, paper.pk)
            voted = False
        paper_trending_refresh(paper_id=paper.pk)
        count = _count(paper.pk)
    paper.upvotes = count
    return voted, count


def vote_toggle(*, user, paper: Paper) -> tuple[bool, int]:
    """Upvote the paper, or take the upvote back; returns (voted now, local upvotes)."""
    return _change(user, paper, None)


def vote_add(*, user, paper: Paper) -> tuple[bool, int]:
    """Upvote (idempotent); returns (True, local upvotes)."""
    return _change(user, paper, True)


def vote_remove(*, user, paper: Paper) -> tuple[bool, int]:
    """Take the upvote back (idempotent); returns (False, local upvotes)."""
    return _change(user, paper, False)


def votes_delete(*, votes) -> int:
    """Delete Vote rows (a queryset or list, e.g. from the admin) keeping every count exact.

    Returns how many were deleted.
    """
    ids = [v.pk for v in votes]
    with transaction.atomic():
        rows = list(Vote.objects.select_for_update().filter(pk__in=ids).values_list("pk", "paper_id"))
        per_paper = Counter(paper_id for _pk, paper_id in rows)
        Vote.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
        for paper_id, n in per_paper.items():
            Paper.objects.filter(pk=paper_id).update(upvotes=F("upvotes") - n)
            paper_trending_refresh(paper_id=paper_id)
    return len(rows)


def votes_forget_user(*, user) -> int:
    """Delete all of a user's votes, counts kept exact (call before deleting an account)."""
    return votes_delete(votes=Vote.objects.filter(user=user).only("pk"))


def upvotes_recount(*, paper_ids=None) -> int:
    """Repair tool: set `Paper.upvotes` from the Vote rows; returns how many were wrong."""
    papers = Paper.objects.all() if paper_ids is None else Paper.objects.filter(pk__in=list(paper_ids))
    wrong = []
    with transaction.atomic():
        counted = dict(Vote.objects.filter(paper__in=papers).values_list("paper_id").annotate(n=Count("pk")))
        for pk, stored in papers.select_for_update().values_list("pk", "upvotes"):
            if counted.get(pk, 0) != stored:
                wrong.append(Paper(pk=pk, upvotes=counted.get(pk, 0)))
        Paper.objects.bulk_update(wrong, ["upvotes"], batch_size=500)
    return len(wrong)
