from datetime import timedelta

import pytest

from paperfeed.accounts.templatetags.accounts_extras import human_duration


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (timedelta(minutes=15), "15 minutes"),
        (timedelta(seconds=30), "1 minute"),
        (timedelta(minutes=61), "1 hour 1 minute"),
        (timedelta(hours=2), "2 hours"),
        (259200, "3 days"),
        (timedelta(days=1, hours=6, minutes=5), "1 day 6 hours"),
        (None, ""),
    ],
)
def test_a_duration_reads_as_words_rounded_up_to_the_minute(value, words):
    assert human_duration(value) == words
