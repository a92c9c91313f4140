"""The paper catalogue: papers, their authors, categories, organisations,
their appearances on daily lists, and where each paper came from.

Rows are written by `paperfeed.ingest.upsert.papers_upsert` only, so that the
merging rules live in one place.
"""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.db import models

from paperfeed.lib.urls import fast_reverse


class Organization(models.Model):
    # The Hugging Face organisation handle ("google"), used in URLs.
    name = models.CharField(max_length=200, unique=True)
    full_name = models.CharField(max_length=300, blank=True)
    avatar_url = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.full_name or self.name


def author_name_key(name: str) -> str:
    """Identity of an author by name: case, accents, dots and spacing ignored.

    "José  García", "Jose Garcia" and "jose garcia" are one author. Names are
    all arXiv gives, so two people sharing a name share a page; that is the
    price of not inventing identities.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    without_marks = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(without_marks.replace(".", " ").casefold().split())


class Author(models.Model):
    name = models.CharField(max_length=500)
    name_key = models.CharField(max_length=500, unique=True)
    # Hugging Face account of the author, once they claimed a paper there.
    hf_user = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Paper(models.Model):
    arxiv_id = models.CharField("arXiv id", max_length=64, unique=True)
    # Latest version known; null when only a source without versions (HF) saw it.
    version = models.PositiveSmallIntegerField(null=True, blank=True)
    # [{"v": 1, "submitted": "2023-07-17T17:59:59+00:00"}, ...] ascending.
    versions = models.JSONField(default=list, blank=True)
    title = models.TextField()
    abstract = models.TextField(blank=True)
    primary_category = models.CharField(max_length=32, blank=True)
    published = models.DateTimeField(null=True, blank=True, db_index=True)
    updated = models.DateTimeField(null=True, blank=True)
    doi = models.CharField("DOI", max_length=255, blank=True)
    journal_ref = models.TextField(blank=True)
    comment = models.TextField(blank=True)
    license = models.CharField(max_length=255, blank=True)
    code_url = models.TextField(blank=True)
    project_url = models.TextField(blank=True)

    # What Hugging Face adds.
    upstream_upvotes = models.PositiveIntegerField(null=True, blank=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="papers"
    )
    ai_summary = models.TextField(blank=True)
    ai_keywords = models.JSONField(default=list, blank=True)
    github_stars = models.PositiveIntegerField(null=True, blank=True)
    num_comments = models.PositiveIntegerField(null=True, blank=True)
    thumbnail_url = models.TextField(blank=True)
    media_urls = models.JSONField(default=list, blank=True)
    hf_discussion_id = models.CharField(max_length=64, blank=True)
    # When the community fields above were last observed upstream.
    observed_at = models.DateTimeField(null=True, blank=True)

    # Moderation: staff can hide a paper from every listing.
    is_hidden = models.BooleanField(default=False)

    # Local community. `upvotes` always equals the number of Vote rows: both
    # change in one transaction (catalog.votes). `trending_score` is refreshed
    # by the schedule (catalog.trending), never computed per request.
    upvotes = models.PositiveIntegerField(default=0)
    trending_score = models.FloatField(default=0.0, db_index=True)

    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    authors = models.ManyToManyField(Author, through="PaperAuthor", related_name="papers")

    class Meta:
        ordering = ["-published", "arxiv_id"]

    def __str__(self) -> str:
        return f"{self.arxiv_id}: {self.title}"

    # Set on search hits by paperfeed.search (highlighted title and snippet);
    # class defaults keep the card template's lookups cheap elsewhere.
    search_title = None
    search_snippet = None

    def get_absolute_url(self) -> str:
        return fast_reverse("paper", self.arxiv_id)

    @property
    def abs_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}"

    @property
    def pdf_url(self) -> str:
        return f"https://arxiv.org/pdf/{self.arxiv_id}"

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""


class PaperAuthor(models.Model):
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="authorships")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="authorships")
    position = models.PositiveSmallIntegerField()
    affiliation = models.TextField(blank=True)

    class Meta:
        ordering = ["paper", "position"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "position"], name="paperauthor_unique_position"),
        ]


class PaperCategory(models.Model):
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="category_links")
    code = models.CharField(max_length=32, db_index=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["paper", "position"]
        verbose_name_plural = "paper categories"
        constraints = [
            models.UniqueConstraint(fields=["paper", "code"], name="papercategory_unique_code"),
        ]


class Feature(models.Model):
    """A paper's appearance on the daily list of one day."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="features")
    day = models.DateField(db_index=True)
    featured_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=32)
    submitter_handle = models.CharField(max_length=100, blank=True)
    submitter_name = models.CharField(max_length=300, blank=True)
    submitter_avatar_url = models.TextField(blank=True)
    # Set when a local user submitted the paper (source "submission").
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="submissions"
    )

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "day"], name="feature_unique_paper_day"),
        ]

    def __str__(self) -> str:
        return f"{self.paper_id} on {self.day}"


class PaperSource(models.Model):
    """Provenance: which source contributed to a paper, first and last time."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="sources")
    source = models.CharField(max_length=32)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()

    class Meta:
        ordering = ["paper", "source"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "source"], name="papersource_unique_source"),
        ]

    def __str__(self) -> str:
        return f"{self.paper_id} from {self.source}"


class Vote(models.Model):
    """One user's upvote of one paper; at most one per pair."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "paper"], name="vote_one_per_user_and_paper"),
        ]

    def __str__(self) -> str:
        return f"{self.user} upvoted {self.paper_id}"
