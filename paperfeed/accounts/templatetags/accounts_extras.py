"""Template helpers of the accounts pages."""

from __future__ import annotations

import math
from datetime import timedelta

from django import template

register = template.Library()


def _unit(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@register.filter
def human_duration(value: timedelta | int | float | None) -> str:
    """A duration (timedelta or seconds) in words, rounded up to the minute: "15 minutes", "1 hour 30 minutes", "3 days"."""
    if value is None or value == "":
        return ""
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    minutes = max(1, math.ceil(seconds / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(_unit(days, "day"))
    if hours:
        parts.append(_unit(hours, "hour"))
    if minutes and not days:
        parts.append(_unit(minutes, "minute"))
    return " ".join(parts)
