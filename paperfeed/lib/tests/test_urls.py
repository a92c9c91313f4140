import pytest
from django.urls import reverse

from paperfeed.lib.urls import fast_reverse


@pytest.mark.parametrize(
    "name, arg",
    [
        ("paper", "2307.08691"),
        ("paper", "hep-th/9901001"),
        ("upvote", "math.GT/0309136"),
        ("author", 42),
        ("organization", "ByteDance-Seed"),
        ("organization", "a name with spaces & ümlauts?#"),
    ],
)
def test_it_builds_exactly_what_reverse_builds(name, arg):
    assert fast_reverse(name, arg) == reverse(name, args=[arg])


def test_it_refuses_a_url_without_an_argument_in_the_path():
    with pytest.raises(Exception):
        fast_reverse("trending", "x")
