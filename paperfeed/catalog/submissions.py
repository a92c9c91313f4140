"""A user puts a paper on today's list ("Submit a paper").

A paper already in the catalogue is featured at once, without asking arXiv;
a new one is fetched by id through the rate-limited arXiv client first. When
arXiv cannot be reached, or has no such paper, nothing is written (the failed
fetch is recorded as an IngestRun, like any other) and the error says why.
"""

from __future__ import annotations

import logging
import re
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from paperfeed.ingest.records import SUBMISSION, InvalidArxivId, SourceFormatError, split_arxiv_id
from paperfeed.lib.http import FetchError

from .models import Feature, Paper
from .trending import paper_trending_refresh

log = logging.getLogger("paperfeed.catalog")

# arxiv.org/abs/ID, /pdf/ID(.pdf), /html/ID, with or without scheme, www. or export.
_ARXIV_URL = re.compile(
    r"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/(?P<id>.+?)(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)


class SubmissionError(Exception):
    """The submission cannot be done; the message is meant for the user."""


def parse_submitted_id(raw_id: str) -> str:
    """The bare arXiv id in what a user typed: an id, ``arXiv:`` id, or an abs/pdf URL."""
    text = (raw_id or "").strip()
    if match := _ARXIV_URL.match(text):
        text = match.group("id")
    try:
        bare, _version = split_arxiv_id(text)
    except InvalidArxivId:
        shown = (raw_id or "").strip()
        shown = shown if len(shown) <= 80 else shown[:79] + "…"
        raise SubmissionError(f"“{shown}” is not an arXiv identifier (e.g. 2307.08691)") from None
    return bare


def paper_submit(*, user, raw_id: str, today: date | None = None) -> tuple[Paper, bool]:
    """Feature the paper on today's list (UTC); returns (paper, whether a new Feature was made).

    Raises SubmissionError with a message for the user.
    """
    bare = parse_submitted_id(raw_id)
    now = timezone.now()
    today = today or now.date()
    limit = settings.PAPERFEED_SUBMISSIONS_PER_DAY
    if limit and Feature.objects.filter(submitted_by=user, day=today).count() >= limit:
        raise SubmissionError(f"You have submitted {limit} papers today, the most allowed; please come back tomorrow.")
    paper = Paper.objects.filter(arxiv_id=bare).first()
    if paper is None:
        paper = _fetch(bare)
    if paper.is_hidden:
        raise SubmissionError(f"{bare} has been hidden by the moderators and cannot be featured.")
    with transaction.atomic():
        try:
            with transaction.atomic():
                Feature.objects.create(
                    paper=paper,
                    day=today,
                    featured_at=now,
                    source=SUBMISSION,
                    submitted_by=user,
                    submitter_handle=user.get_username(),
                    submitter_name=user.get_full_name() if hasattr(user, "get_full_name") else "",
                )
        except IntegrityError:  # already on today's list (feature_unique_paper_day)
            return paper, False
        paper_trending_refresh(paper_id=paper.pk, now=now)
    return paper, True


def _fetch(bare: str) -> Paper:
    from paperfeed.ingest.services import IngestFailed, arxiv_fetch_papers

    try:
        arxiv_fetch_papers(ids=[bare])
    except FetchError as exc:
        log.warning("submission of %s: %s", bare, exc)
        raise SubmissionError("arXiv could not be reached just now; nothing was saved. Please try again in a few minutes.") from exc
    except (SourceFormatError, IngestFailed) as exc:
        log.warning("submission of %s: %s", bare, exc)
        raise SubmissionError(f"arXiv's answer about {bare} could not be read; nothing was saved.") from exc
    paper = Paper.objects.filter(arxiv_id=bare).first()
    if paper is None:
        raise SubmissionError(f"arXiv has no paper {bare}.")
    return paper
