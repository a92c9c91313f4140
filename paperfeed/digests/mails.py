"""The mails themselves: a digest, and the confirmation of a new address.

Links are absolute (PAPERFEED_BASE_URL). Every digest carries a one-click
unsubscribe link (a signed token) in its body and in the List-Unsubscribe and
List-Unsubscribe-Post headers (RFC 8058); nothing in it tracks the reader.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import mark_safe

from paperfeed.lib.emails import absolute_url, make_message, message_id, render_text, site_domain
from paperfeed.lib.signing import token_make

from .content import PeriodData
from .digest import Digest
from .models import Delivery, Subscriber

UNSUBSCRIBE, CONFIRM, DIGEST = "unsubscribe", "confirm", "digest"
CONFIRM_MAX_AGE = 7 * 24 * 3600


def unsubscribe_token(subscriber: Subscriber) -> str:
    return token_make(purpose=UNSUBSCRIBE, value=[subscriber.pk, subscriber.email])


def unsubscribe_url(subscriber: Subscriber) -> str:
    return absolute_url(reverse("unsubscribe", args=[unsubscribe_token(subscriber)]))


def digest_page_url(delivery_id: int) -> str:
    return absolute_url(reverse("digest_page", args=[token_make(purpose=DIGEST, value=delivery_id)]))


def manage_url(subscriber: Subscriber) -> str:
    return absolute_url(reverse("subscriptions" if subscriber.user_id else "subscribe"))


def _paper(info) -> dict:
    return {
        "title": info.title,
        "url": absolute_url(info.path),
        "arxiv_id": info.arxiv_id,
        "authors": info.authors,
        "more_authors": max(0, info.author_count - len(info.authors)),
        "summary": info.summary,
        "categories": info.categories[:3],
        "organization": info.organization,
        "votes": info.votes,
    }


def _fragment(data: PeriodData, pk: int) -> dict:
    """A paper's block in the text and the HTML part, rendered once per period."""
    found = data.fragments.get(pk)
    if found is None:
        context = {"paper": _paper(data.papers[pk])}
        text = render_text("emails/_digest-paper.txt", context)
        html = get_template("emails/_digest-paper.html").render(context)  # escaped as any page
        found = data.fragments[pk] = (text, html)
    return {"text": found[0], "html": mark_safe(found[1])}


def digest_message(*, delivery: Delivery, subscriber: Subscriber, digest: Digest,
                   data: PeriodData) -> EmailMultiAlternatives:
    sections = [
        {"kind": s.kind, "title": s.title, "papers": [_fragment(data, pk) for pk in s.paper_ids]}
        for s in digest.shown
    ]
    unsubscribe = unsubscribe_url(subscriber)
    context = {
        "period": data.period,
        "sections": sections,
        "shown": digest.shown_count,
        "total": digest.total,
        "see_all_url": digest_page_url(delivery.pk) if digest.total > digest.shown_count else "",
        "unsubscribe_url": unsubscribe,
        "manage_url": manage_url(subscriber),
        "is_user": bool(subscriber.user_id),
        "topics": [s.title for s in digest.shown],
    }
    headers = {
        "Message-ID": message_id(f"digest.{delivery.pk}.{data.period:%Y%m%d}"),
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"{settings.PAPERFEED_SITE_NAME} digests <digests.{site_domain()}>",
        "Auto-Submitted": "auto-generated",
    }
    return make_message("digest", context, to=[subscriber.email], headers=headers)


def confirm_message(*, email: str, token: str, what: list[str]) -> EmailMultiAlternatives:
    context = {
        "confirm_url": absolute_url(reverse("subscribe_confirm", args=[token])),
        "what": what,
        "email": email,
        "valid_days": CONFIRM_MAX_AGE // 86400,
    }
    headers = {"Auto-Submitted": "auto-generated"}
    return make_message("confirm", context, to=[email], headers=headers)
