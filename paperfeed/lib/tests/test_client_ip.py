from django.test import RequestFactory

from paperfeed.lib.client_ip import client_ip


def test_it_uses_the_socket_address_when_not_behind_a_proxy(settings):
    settings.PAPERFEED_BEHIND_PROXY = False
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_ip(request) == "10.0.0.1"


def test_behind_a_proxy_it_trusts_only_the_hop_the_proxy_appended(settings):
    settings.PAPERFEED_BEHIND_PROXY = True
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_ip(request) == "203.0.113.9"


def test_behind_a_proxy_without_the_header_it_falls_back_to_the_socket(settings):
    settings.PAPERFEED_BEHIND_PROXY = True
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == "127.0.0.1"
