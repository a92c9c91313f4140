"""Mails built from templates: a text part and an HTML part, one template set per kind.

    make_message("digest", ctx, to=["alice@example.org"], headers={...}) -> EmailMultiAlternatives

renders `emails/<name>-subject.txt` (one line), `emails/<name>-body-text.txt`
(not HTML-escaped: it is plain text) and `emails/<name>-body-html.html`
(escaped as any page). Every template also gets `site_name` and `base_url`;
`absolute_url(path)` turns a site path into a link that works from a mailbox
(PAPERFEED_BASE_URL).
"""

from __future__ import annotations

from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template


def absolute_url(path: str) -> str:
    """`/papers/2307.08691` -> `https://papers.example.org/papers/2307.08691`."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.PAPERFEED_BASE_URL + ("" if path.startswith("/") else "/") + path


def site_domain() -> str:
    return urlsplit(settings.PAPERFEED_BASE_URL).hostname or "localhost"


def message_id(local: str | None = None) -> str:
    """A Message-ID on the site's domain (`local` makes it stable, e.g. per delivery)."""
    if local:
        return f"<{local}@{site_domain()}>"
    return make_msgid(domain=site_domain())


def render_text(name: str, context: dict) -> str:
    """A plain-text template, rendered without HTML escaping."""
    template = get_template(name)
    # The backend wrapper always escapes; the engine's own Template can render without it.
    return template.template.render(Context(context, autoescape=False))


def make_message(name: str, ctx: dict, *, to: list[str], headers: dict[str, str] | None = None,
                 from_email: str | None = None) -> EmailMultiAlternatives:
    context = {"site_name": settings.PAPERFEED_SITE_NAME, "base_url": settings.PAPERFEED_BASE_URL, **ctx}
    subject = " ".join(render_text(f"emails/{name}-subject.txt", context).split())
    text = render_text(f"emails/{name}-body-text.txt", context)
    html = get_template(f"emails/{name}-body-html.html").render(context)
    extra = {"Message-ID": message_id(), **(headers or {})}
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=extra,
    )
    message.attach_alternative(html, "text/html")
    return message
