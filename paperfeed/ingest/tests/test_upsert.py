from datetime import date, datetime, timezone

import pytest
from django.db import DatabaseError

from paperfeed.catalog.models import Author, Feature, Organization, Paper, PaperSource
from paperfeed.ingest import upsert
from paperfeed.ingest.records import (
    ARXIV_API,
    ARXIV_SNAPSHOT,
    HF_DAILY,
    AuthorRecord,
    FeatureRecord,
    OrganizationRecord,
    PaperRecord,
    SubmitterRecord,
    VersionRecord,
)
from paperfeed.ingest.upsert import papers_upsert

pytestmark = pytest.mark.django_db

T1 = datetime(2023, 7, 17, 17, 59, 28, tzinfo=timezone.utc)
T2 = datetime(2023, 8, 1, 9, 0, tzinfo=timezone.utc)


def arxiv(arxiv_id="2307.08691", version=1, **changes):
    versions = tuple(VersionRecord(n, T1 if n == 1 else T2) for n in range(1, version + 1))
    record = PaperRecord(
        arxiv_id=arxiv_id,
        source=ARXIV_API,
        version=version,
        versions=versions,
        title=f"FlashAttention-2, version {version}",
        abstract="Scaling $O(N^2)$ attention.",
        authors=(AuthorRecord("Tri Dao", "Stanford"), AuthorRecord("Christopher Ré")),
        categories=("cs.LG", "cs.AI"),
        primary_category="cs.LG",
        published=T1,
        updated=versions[-1].submitted,
    )
    return record.replace(**changes)


def hf(arxiv_id="2307.08691", day=date(2023, 7, 18), **changes):
    record = PaperRecord(
        arxiv_id=arxiv_id,
        source=HF_DAILY,
        title="FlashAttention-2 (as HF shows it)",
        abstract="HF abstract",
        authors=(AuthorRecord("Tri Dao", hf_user="tridao"),),
        upstream_upvotes=30,
        organization=OrganizationRecord("stanford", "Stanford University", "https://x/a.png"),
        feature=FeatureRecord(day, datetime(2023, 7, 18, 6, tzinfo=timezone.utc), SubmitterRecord("akhaliq", "AK")),
    )
    return record.replace(**changes)


def test_it_creates_a_paper_with_authors_categories_and_provenance():
    result = papers_upsert(records=[arxiv()])
    assert (result.new, result.updated, result.unchanged, result.skipped) == (1, 0, 0, 0)
    paper = Paper.objects.get(arxiv_id="2307.08691")
    assert paper.title == "FlashAttention-2, version 1"
    assert [a.author.name for a in paper.authorships.all()] == ["Tri Dao", "Christopher Ré"]
    assert paper.authorships.first().affiliation == "Stanford"
    assert [c.code for c in paper.category_links.all()] == ["cs.LG", "cs.AI"]
    assert paper.versions == [{"v": 1, "submitted": T1.isoformat()}]
    assert list(paper.sources.values_list("source", flat=True)) == [ARXIV_API]
    assert result.changed_ids == {paper.pk}


def test_it_changes_nothing_the_second_time():
    papers_upsert(records=[arxiv(), hf()])
    before = Paper.objects.get().modified_at
    result = papers_upsert(records=[arxiv(), hf()])
    assert (result.new, result.updated, result.unchanged) == (0, 0, 2)
    assert result.changed_ids == set()
    assert Paper.objects.get().modified_at == before


def test_the_same_paper_from_several_sources_and_days_is_one_row():
    papers_upsert(records=[hf(day=date(2023, 7, 18))])
    papers_upsert(records=[arxiv(), hf(day=date(2023, 7, 19), upstream_upvotes=31)])
    papers_upsert(records=[arxiv(source=ARXIV_SNAPSHOT)])
    assert Paper.objects.count() == 1
    paper = Paper.objects.get()
    assert paper.title == "FlashAttention-2, version 1"
    assert paper.upstream_upvotes == 31
    assert paper.organization.full_name == "Stanford University"
    assert sorted(paper.features.values_list("day", flat=True)) == [date(2023, 7, 18), date(2023, 7, 19)]
    assert set(paper.sources.values_list("source", flat=True)) == {ARXIV_API, ARXIV_SNAPSHOT, HF_DAILY}
    feature = paper.features.get(day=date(2023, 7, 18))
    assert (feature.submitter_handle, feature.submitter_name, feature.source) == ("akhaliq", "AK", HF_DAILY)


def test_a_newer_version_updates_text_and_adds_the_version():
    papers_upsert(records=[arxiv(version=1)])
    result = papers_upsert(records=[arxiv(version=2, authors=(AuthorRecord("Tri Dao"),))])
    assert result.updated == 1
    paper = Paper.objects.get()
    assert (paper.version, paper.title) == (2, "FlashAttention-2, version 2")
    assert [v["v"] for v in paper.versions] == [1, 2]
    assert [a.author.name for a in paper.authorships.all()] == ["Tri Dao"]
    assert paper.authorships.get().affiliation == "Stanford"  # kept from what we knew


def test_an_older_version_changes_nothing():
    papers_upsert(records=[arxiv(version=2)])
    result = papers_upsert(records=[arxiv(version=1, title="old title")])
    assert result.unchanged == 1
    assert Paper.objects.get().title == "FlashAttention-2, version 2"


def test_a_field_one_source_lacks_never_erases_another_sources():
    papers_upsert(records=[arxiv(doi="10.1145/1", journal_ref="NeurIPS 2023"), hf()])
    papers_upsert(records=[arxiv(version=2, doi="", journal_ref="")])
    papers_upsert(records=[hf(organization=None, upstream_upvotes=None, day=date(2023, 7, 18))])
    paper = Paper.objects.get()
    assert (paper.doi, paper.journal_ref) == ("10.1145/1", "NeurIPS 2023")
    assert paper.organization.name == "stanford"
    assert paper.upstream_upvotes == 30


def test_cross_listed_papers_keep_all_categories():
    papers_upsert(records=[arxiv(categories=("cs.LG", "cs.AI"))])
    papers_upsert(records=[arxiv(source=ARXIV_SNAPSHOT, categories=("cs.LG", "stat.ML"))])
    codes = list(Paper.objects.get().category_links.values_list("code", flat=True))
    assert codes == ["cs.LG", "cs.AI", "stat.ML"]


def test_a_person_is_one_author_across_papers_and_spellings():
    papers_upsert(records=[arxiv("2307.00001"), arxiv("2307.00002", authors=(AuthorRecord("Christopher  Re"),))])
    assert Author.objects.filter(name_key="christopher re").count() == 1
    assert Author.objects.get(name_key="christopher re").papers.count() == 2
    papers_upsert(records=[hf("2307.00001", authors=(AuthorRecord("Tri Dao", hf_user="tridao"),))])
    assert Author.objects.get(name_key="tri dao").hf_user == "tridao"


def test_a_bad_record_is_skipped_and_the_rest_lands():
    bad = arxiv("2307.00002", categories=("not a category!",))
    untitled = PaperRecord(arxiv_id="2307.00003", source=HF_DAILY)
    result = papers_upsert(records=[arxiv("2307.00001"), bad, untitled, arxiv("2307.00004")])
    assert (result.new, result.skipped) == (2, 2)
    assert sorted(Paper.objects.values_list("arxiv_id", flat=True)) == ["2307.00001", "2307.00004"]
    messages = [str(p) for p in result.problems]
    assert messages[0] == "arxiv: record 2307.00002: category 'not a category!' is not an arXiv category"
    assert messages[1] == "hf: record 2307.00003: a new paper needs a title"


def test_a_record_the_database_rejects_is_isolated(monkeypatch):
    real = upsert._write_batch

    def rejecting(records, now):
        if any(r.arxiv_id == "2307.00002" for r in records):
            raise DatabaseError("value too long")
        return real(records, now)

    monkeypatch.setattr(upsert, "_write_batch", rejecting)
    result = papers_upsert(records=[arxiv("2307.00001"), arxiv("2307.00002"), arxiv("2307.00003")])
    assert result.new == 2
    assert [str(p) for p in result.problems] == ["arxiv: record 2307.00002: the database rejected it: value too long"]
    assert Paper.objects.count() == 2


def test_a_batch_is_one_transaction(monkeypatch):
    def failing(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(upsert, "_write_sources", failing)
    result = papers_upsert(records=[arxiv("2307.00001"), arxiv("2307.00002")])
    assert result.skipped == 2
    assert Paper.objects.count() == 0
    assert PaperSource.objects.count() == 0


def test_the_same_paper_twice_in_one_batch_is_merged():
    result = papers_upsert(records=[hf(day=date(2023, 7, 18)), hf(day=date(2023, 7, 19)), arxiv()])
    assert (result.new, result.updated) == (1, 2)
    assert Feature.objects.count() == 2
    assert Organization.objects.count() == 1
    assert Paper.objects.get().title == "FlashAttention-2, version 1"


def test_old_style_ids_are_stored_bare():
    papers_upsert(records=[arxiv("hep-th/9901001", categories=("hep-th",), primary_category="hep-th")])
    assert Paper.objects.get().arxiv_id == "hep-th/9901001"
