from datetime import datetime, timezone

from paperfeed.ingest.merge import NEWER, OLDER, SAME, merge_record, recency
from paperfeed.ingest.records import (
    ARXIV_API,
    HF_DAILY,
    AuthorRecord,
    OrganizationRecord,
    PaperRecord,
    VersionRecord,
)

T1 = datetime(2023, 7, 17, 17, 59, tzinfo=timezone.utc)
T2 = datetime(2023, 8, 1, 9, 0, tzinfo=timezone.utc)
T3 = datetime(2023, 9, 1, 9, 0, tzinfo=timezone.utc)


def arxiv_v1(**changes):
    record = PaperRecord(
        arxiv_id="2307.08691",
        source=ARXIV_API,
        version=1,
        versions=(VersionRecord(1, T1),),
        title="FlashAttention-2: Faster Attention",
        abstract="We make attention $O(N)$ in memory.",
        authors=(AuthorRecord("Tri Dao", "Stanford"),),
        categories=("cs.LG",),
        primary_category="cs.LG",
        published=T1,
        updated=T1,
        doi="10.1/xyz",
    )
    return record.replace(**changes)


def arxiv_v2(**changes):
    return arxiv_v1(
        version=2,
        versions=(VersionRecord(1, T1), VersionRecord(2, T2)),
        title="FlashAttention-2: Faster Attention with Better Parallelism",
        abstract="Revised.",
        updated=T2,
        doi="",
    ).replace(**changes)


def hf_record(**changes):
    record = PaperRecord(
        arxiv_id="2307.08691",
        source=HF_DAILY,
        title="FlashAttention-2 (HF title)",
        abstract="HF abstract",
        authors=(AuthorRecord("Tri Dao", hf_user="tridao"),),
        upstream_upvotes=12,
        github_stars=100,
        organization=OrganizationRecord("stanford", "Stanford University"),
        ai_keywords=("attention", "GPU"),
    )
    return record.replace(**changes)


def test_a_new_record_becomes_the_paper():
    merged = merge_record(None, arxiv_v1())
    assert merged.title == "FlashAttention-2: Faster Attention"
    assert merged.categories == ("cs.LG",)


def test_an_identical_record_changes_nothing():
    current = merge_record(None, arxiv_v1())
    assert merge_record(current, arxiv_v1()) == current


def test_a_newer_version_updates_the_text_and_adds_the_version():
    current = merge_record(None, arxiv_v1())
    merged = merge_record(current, arxiv_v2())
    assert merged.version == 2
    assert merged.title.endswith("Better Parallelism")
    assert merged.abstract == "Revised."
    assert [(v.number, v.submitted) for v in merged.versions] == [(1, T1), (2, T2)]
    assert merged.updated == T2


def test_a_field_the_newer_version_lacks_is_not_erased():
    merged = merge_record(merge_record(None, arxiv_v1()), arxiv_v2(doi=""))
    assert merged.doi == "10.1/xyz"


def test_an_older_version_changes_nothing():
    current = merge_record(None, arxiv_v2(doi="10.1/xyz"))
    assert merge_record(current, arxiv_v1()) == current


def test_the_order_of_versions_does_not_matter():
    forward = merge_record(merge_record(None, arxiv_v1()), arxiv_v2(doi="10.1/xyz"))
    backward = merge_record(merge_record(None, arxiv_v2(doi="10.1/xyz")), arxiv_v1())
    assert forward == backward


def test_hugging_face_fills_gaps_but_never_overwrites_arxiv_text():
    current = merge_record(None, arxiv_v1())
    merged = merge_record(current, hf_record())
    assert merged.title == current.title
    assert merged.abstract == current.abstract
    assert merged.upstream_upvotes == 12
    assert merged.organization.name == "stanford"
    assert merged.authors == (AuthorRecord("Tri Dao", "Stanford", "tridao"),)


def test_arxiv_text_replaces_what_only_hugging_face_gave():
    current = merge_record(None, hf_record())
    merged = merge_record(current, arxiv_v1())
    assert merged.title == "FlashAttention-2: Faster Attention"
    assert merged.version == 1
    assert merged.authors == (AuthorRecord("Tri Dao", "Stanford", "tridao"),)
    assert merged.upstream_upvotes == 12


def test_upvote_counts_never_go_back():
    current = merge_record(None, hf_record(upstream_upvotes=40))
    assert merge_record(current, hf_record(upstream_upvotes=12)).upstream_upvotes == 40
    assert merge_record(current, hf_record(upstream_upvotes=41)).upstream_upvotes == 41


def test_a_source_without_a_count_keeps_the_known_one():
    current = merge_record(None, hf_record())
    merged = merge_record(current, hf_record(upstream_upvotes=None, github_stars=None, organization=None))
    assert merged == current


def test_cross_listed_categories_are_all_kept():
    current = merge_record(None, arxiv_v1(categories=("cs.LG", "cs.AI")))
    merged = merge_record(current, arxiv_v1(categories=("cs.LG", "stat.ML")))
    assert merged.categories == ("cs.LG", "cs.AI", "stat.ML")
    assert merged.primary_category == "cs.LG"


def test_a_newer_version_can_change_the_primary_category():
    current = merge_record(None, arxiv_v1(categories=("cs.LG", "cs.AI")))
    merged = merge_record(current, arxiv_v2(categories=("cs.AI",), primary_category="cs.AI"))
    assert merged.categories[0] == "cs.AI"
    assert set(merged.categories) == {"cs.AI", "cs.LG"}


def test_recency_uses_dates_when_a_source_has_no_version_numbers():
    current = arxiv_v2()
    oai = PaperRecord(arxiv_id=current.arxiv_id, source="oai", updated=T3)
    assert recency(current, oai) == NEWER
    assert recency(current, oai.replace(updated=T1)) == OLDER
    assert recency(current, hf_record()) == SAME
