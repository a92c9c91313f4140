"""Who gets mail, about what, and what was sent (docs/digests.md).

- `Subscriber`: one address. Nothing but a confirmation is ever mailed to it
  before `confirmed_at` (double opt-in); `paused_at` (the owner's pause, or an
  unsubscribe link) and `suspended_at` (too many permanent failures) stop all mail.
- `Subscription`: one thing the subscriber follows, daily or weekly.
- `Delivery`: the one mail of a subscriber for a period (a day), unique on
  (subscriber, period): the record that makes sending exactly-once (sending.py).
- `DeliveredPaper`: a paper shown in a sent mail, unique on (subscriber, paper):
  no paper reaches an inbox twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from paperfeed.catalog.models import Author, Organization, Paper

DAILY, WEEKLY = "daily", "weekly"
FREQUENCIES = [(DAILY, "Daily"), (WEEKLY, "Weekly")]
DEFAULT_MAX_PAPERS = 20
MAX_PAPERS_LIMIT = 100


class Subscriber(models.Model):
    email = models.EmailField(max_length=254, unique=True)  # stored lower-cased
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriber"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    # Permanent delivery failures in a row; a delivered mail resets it.
    failures = models.PositiveSmallIntegerField(default=0)
    max_papers = models.PositiveSmallIntegerField(default=DEFAULT_MAX_PAPERS)
    weekends = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @property
    def receives_mail(self) -> bool:
        return bool(self.confirmed_at and not self.paused_at and not self.suspended_at)


class Subscription(models.Model):
    TRENDING, SEARCH, AUTHOR, ORGANIZATION, CATEGORY = "trending", "search", "author", "organization", "category"
    KINDS = [
        (AUTHOR, "Followed author"),
        (ORGANIZATION, "Followed organisation"),
        (SEARCH, "Saved search"),
        (CATEGORY, "Followed category"),
        (TRENDING, "Trending papers"),
    ]

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="subscriptions", db_index=False)
    kind = models.CharField(max_length=16, choices=KINDS)
    frequency = models.CharField(max_length=8, choices=FREQUENCIES, default=DAILY)
    query = models.TextField(blank=True)
    category = models.CharField(max_length=32, blank=True)
    mode = models.CharField(max_length=16, blank=True)
    author = models.ForeignKey(Author, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # What the subscription follows, as one string: at most one subscription per thing.
    key = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["subscriber", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "key"], name="subscription_one_per_thing"),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber_id}: {self.key} ({self.frequency})"


class Delivery(models.Model):
    PENDING, SENDING, SENT, EMPTY, FAILED, SKIPPED = "pending", "sending", "sent", "empty", "failed", "skipped"
    STATUSES = [(s, s) for s in (PENDING, SENDING, SENT, EMPTY, FAILED, SKIPPED)]

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries", db_index=False)
    period = models.DateField()
    status = models.CharField(max_length=8, choices=STATUSES, default=PENDING)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=100, blank=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    papers_shown = models.PositiveSmallIntegerField(default=0)
    papers_total = models.PositiveIntegerField(default=0)
    # Every paper of the digest, in sections: [[title, [paper id, ...]], ...] ("see all N").
    contents = models.JSONField(default=list, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period", "subscriber"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "period"], name="delivery_one_per_subscriber_and_period"),
        ]
        indexes = [models.Index(fields=["status", "period"], name="delivery_status_period")]

    def __str__(self) -> str:
        return f"{self.subscriber_id} {self.period} {self.status}"


class DeliveredPaper(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="papers")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+", db_index=False)
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=16)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "paper"], name="deliveredpaper_once_per_subscriber"),
        ]

