"""Tiny HTML readers for the accessibility checks of the account pages."""

from __future__ import annotations

from html.parser import HTMLParser


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.controls: list[dict] = []
        self.labels: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v if v is not None else "") for k, v in attrs}
        if tag in ("input", "select", "textarea"):
            self.controls.append({"tag": tag, **attrs})
        elif tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])


def _collect(page: str) -> _Collector:
    collector = _Collector()
    collector.feed(page)
    return collector


def form_controls(page: str) -> list[dict]:
    """Attributes of each input, select and textarea, in page order."""
    return _collect(page).controls


def labels_for(page: str) -> set[str]:
    """The ids that some <label for="..."> names."""
    return _collect(page).labels


def visible_controls_without_label(page: str) -> list[str]:
    """Names of the controls a person can fill in that have no <label>."""
    collector = _collect(page)
    return [
        c.get("name", "?")
        for c in collector.controls
        if c.get("type") not in ("hidden", "submit", "button")
        and "hidden" not in c
        and c.get("id") not in collector.labels
    ]
