"""A digest read in a mail client: every link opens on the live site, and the
one-click unsubscribe works over real HTTP with no login, cookie or CSRF token."""

from __future__ import annotations

import re

import pytest
import requests

from paperfeed.digests.models import Subscriber
from paperfeed.digests.sending import digests_send

from .scenario import AS_OF, follow_author, follow_category, make_catalogue, make_subscriber, saved_search, trending


def send_to_alice(live_server, settings, smtp, alice):
    settings.PAPERFEED_BASE_URL = live_server.url
    make_catalogue()
    make_subscriber("alice@example.org", trending(), follow_author("Tri Dao"), saved_search("retrieval"),
                    follow_category("cs.LG"), user=alice, max_papers=3)
    assert digests_send(as_of=AS_OF).sent == 1
    [received] = smtp.to("alice@example.org")
    return received.message


def test_every_link_in_a_digest_opens_on_the_site(live_server, settings, smtp, alice):
    message = send_to_alice(live_server, settings, smtp, alice)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    text_links = set(re.findall(r"https?://\S+", text))
    html_links = {link.replace("&amp;", "&") for link in re.findall(r'href="([^"]+)"', html)}
    assert text_links - {live_server.url} <= html_links | {f"{live_server.url}/"}
    assert all(link.startswith(live_server.url) for link in text_links | html_links)
    papers = {link for link in html_links if "/papers/" in link}
    assert len(papers) == 3  # the cap
    assert any("/digests/" in link for link in html_links)  # see all
    for link in sorted(text_links | html_links):
        response = requests.get(link, timeout=30)
        assert response.status_code == 200, link
    assert Subscriber.objects.get().paused_at is None  # opening the unsubscribe link asks first


def test_the_one_click_unsubscribe_post_needs_no_login_cookie_or_csrf_token(live_server, settings, smtp, alice):
    message = send_to_alice(live_server, settings, smtp, alice)
    url = message["List-Unsubscribe"].strip().strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    response = requests.post(url, data="List-Unsubscribe=One-Click", timeout=30,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 200 and "You are unsubscribed" in response.text
    assert Subscriber.objects.get().paused_at is not None
    assert digests_send(as_of=AS_OF.replace(day=11)).planned == 0
