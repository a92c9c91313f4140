import json
from datetime import date, datetime, timezone

import pytest

from paperfeed.ingest.records import HF_DAILY, SourceFormatError
from paperfeed.ingest.sources.hf_daily import (
    fetch_daily_papers,
    listing_day_from_filename,
    parse_daily_papers,
)
from paperfeed.ingest.sources.tests import FakeClient, data_file
from paperfeed.testing import shared_fixture

CURATED = {
    "daily_papers_date-2024-05-29.json": 8,
    "daily_papers_date-2024-07-05.json": 3,
    "daily_papers_date-2025-03-17.json": 12,
    "daily_papers_date-2025-10-03.json": 39,
    "daily_papers_date-2026-08-21.json": 17,
}


def parse_fixture(name: str, **kwargs):
    path = shared_fixture(f"hf-daily-papers/{name}")
    return parse_daily_papers(path.read_bytes(), origin=path.name, **kwargs)


def by_id(result):
    return {record.arxiv_id: record for record in result.records}


@pytest.mark.parametrize("name, count", sorted(CURATED.items()))
def test_it_parses_every_hf_schema_era(name, count):
    result = parse_fixture(name)
    assert result.problems == []
    assert len(result.records) == count
    for record in result.records:
        assert record.source == HF_DAILY
        assert record.version is None and record.versions == ()
        assert record.title and record.abstract and record.authors
        assert record.published.tzinfo is timezone.utc


def test_it_parses_all_bulk_files_with_the_counts_the_raw_json_gives():
    folder = shared_fixture("hf-daily-papers/bulk-2026-07-08")
    files = sorted(folder.glob("*.json"))
    assert len(files) == 38
    raw_items, raw_ids, records = 0, set(), []
    for path in files:
        raw = json.loads(path.read_bytes())
        raw_items += len(raw)
        raw_ids.update(item["paper"]["id"] for item in raw)
        result = parse_daily_papers(path.read_bytes(), origin=path.name)
        assert result.problems == [], path.name
        records.extend(result.records)
    assert (raw_items, len(raw_ids)) == (755, 753)
    assert len(records) == raw_items
    assert len({r.arxiv_id for r in records}) == len(raw_ids)


def test_the_listing_day_comes_from_submitted_on_daily_at_or_the_old_top_level_published_at():
    # Every file's items must land on the day in the file name, in every era.
    names = list(CURATED) + [
        f"bulk-2026-07-08/{p.name}" for p in sorted(shared_fixture("hf-daily-papers/bulk-2026-07-08").glob("*.json"))
    ]
    for name in names:
        expected = listing_day_from_filename(name)
        for record in parse_fixture(name).records:
            assert record.feature.day == expected, (name, record.arxiv_id)


def test_the_new_era_top_level_published_at_is_not_the_listing_time():
    record = by_id(parse_fixture("daily_papers_date-2025-03-17.json"))["2503.07677"]
    # top-level publishedAt is 2025-03-10T03:23:19Z, the paper's arXiv time shifted 4 h
    assert record.feature.featured_at == datetime(2025, 3, 17, 0, 44, 5, 364000, tzinfo=timezone.utc)
    assert record.published == datetime(2025, 3, 10, 7, 23, 19, tzinfo=timezone.utc)


def test_an_explicit_listing_day_wins():
    result = parse_fixture("daily_papers_date-2024-07-05.json", listing_day=date(2024, 7, 6))
    assert {r.feature.day for r in result.records} == {date(2024, 7, 6)}


def test_the_oldest_era_maps_media_url_to_the_thumbnail_and_has_no_submitter():
    record = by_id(parse_fixture("daily_papers_date-2024-05-29.json"))["2405.18407"]
    assert record.thumbnail_url == "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2405.18407.png"
    assert record.media_urls == ()
    assert record.feature.featured_at == datetime(2024, 5, 29, 2, 42, 39, 779000, tzinfo=timezone.utc)
    assert record.feature.submitter is None
    assert record.num_comments == 5 and record.upstream_upvotes == 18
    assert record.hf_discussion_id == "" and record.organization is None and record.github_stars is None
    assert record.authors[0].name == "Fu-Yun Wang" and record.authors[0].hf_user == "wangfuyun"
    peng_gao = next(a for a in record.authors if a.name == "Peng Gao")
    assert peng_gao.hf_user == ""


def test_the_2024_submitted_by_era_gives_the_submitter_and_unwraps_titles():
    record = by_id(parse_fixture("daily_papers_date-2024-07-05.json"))["2407.01906"]
    submitter = record.feature.submitter
    assert (submitter.handle, submitter.full_name) == ("philschmid", "Philipp Schmid")
    assert submitter.avatar_url.startswith("https://cdn-avatars.huggingface.co/")
    assert record.title == (
        "Let the Expert Stick to His Last: Expert-Specialized Fine-Tuning for "
        "Sparse Architectural Large Language Models"
    )
    assert record.media_urls == ()
    assert record.thumbnail_url.endswith("/papers/2407.01906.png")


def test_relative_avatar_urls_become_absolute():
    zuom = by_id(parse_fixture("daily_papers_date-2024-07-05.json"))["2407.03321"].feature.submitter
    assert zuom.avatar_url == "https://huggingface.co/avatars/f0512561780625d9be43f00dfd5cd46d.svg"


def test_the_mid_2025_era_gives_code_project_keywords_and_discussion():
    records = by_id(parse_fixture("daily_papers_date-2025-03-17.json"))
    pladis = records["2503.07677"]
    assert pladis.feature.submitter.handle == "kwanyoung"
    assert pladis.feature.submitter.avatar_url == "https://huggingface.co/avatars/2e166fee60844729479bfa4291796c8a.svg"
    assert pladis.hf_discussion_id == "67d2ca0b67366130cccada34"
    assert pladis.ai_keywords[:2] == ("diffusion models", "Classifier-Free Guidance (CFG)")
    assert pladis.authors[0].hf_user == "kwanyoung" and pladis.authors[1].hf_user == ""
    assert sum(1 for r in records.values() if r.code_url) == 3
    assert records["2503.10772"].code_url == "https://github.com/bytedance/1d-tokenizer/"
    assert records["2503.11646"].project_url == "https://sites.google.com/view/adc-robot"  # leading space dropped


def test_the_late_2025_era_gives_organisation_stars_ai_summary_and_media_urls():
    records = by_id(parse_fixture("daily_papers_date-2025-10-03.json"))
    record = records["2510.02283"]
    assert record.organization.name == "ByteDance-Seed"
    assert record.organization.full_name == "ByteDance Seed"
    assert record.organization.avatar_url.startswith("https://cdn-uploads.huggingface.co/")
    assert record.github_stars == 1
    assert record.ai_summary.startswith("A method is proposed to enhance long-horizon video generation")
    assert len(record.media_urls) == 2 and all(u.endswith(".mp4") for u in record.media_urls)
    assert sum(1 for r in records.values() if r.organization) == 16
    assert all(r.ai_summary for r in records.values())


def test_the_latest_era_parses_like_the_rest():
    records = by_id(parse_fixture("daily_papers_date-2026-08-21.json"))
    record = records["2608.19880"]
    assert record.organization.name == "google" and record.organization.full_name == "Google"
    assert record.github_stars == 8 and record.upstream_upvotes == 163
    assert record.code_url == "https://github.com/google-research/envharness"
    assert record.project_url == "https://envharness.com/"
    assert record.feature.submitter.handle == "taesiri"
    assert sum(1 for r in records.values() if r.code_url) == 12


def test_it_keeps_hidden_authors_without_their_hf_account():
    record = by_id(parse_fixture("bulk-2026-07-08/daily_papers_date-2026-07-21.json"))["2607.18227"]
    assert [a.name for a in record.authors] == ["Dingyun Zhang", "Lixue Gong", "Wei Liu"]
    assert record.authors[0].hf_user == ""


def test_bad_items_are_problems_and_the_rest_lands():
    path = data_file("hf_bad_items.json")
    result = parse_daily_papers(path.read_bytes(), origin=path.name)
    assert [r.arxiv_id for r in result.records] == ["2405.18407", "2405.18047"]
    assert [p.record for p in result.problems] == ["item 1", "item 2 (abc)", "item 3", "item 4"]
    assert "not a JSON object" in result.problems[0].message
    assert "'abc'" in result.problems[1].message
    for problem in result.problems:
        assert problem.source == HF_DAILY and "\n" not in problem.message
    good = result.records[0]
    assert [a.name for a in good.authors] == ["Visible Author", "Hidden Author"]
    assert good.title == "A good item"
    assert result.records[1].upstream_upvotes is None  # "many" is not a count


def test_an_error_object_raises_with_the_message():
    path = data_file("hf_error.json")
    with pytest.raises(SourceFormatError, match="Invalid date format") as caught:
        parse_daily_papers(path.read_bytes(), origin=path.name)
    assert caught.value.what == "hf_error.json"


@pytest.mark.parametrize("body", [b'[{"paper": {"id": "2405.18407", "title": "cut off', b"", b"\xff\xfe\x00garbage"])
def test_malformed_json_raises(body):
    with pytest.raises(SourceFormatError, match="not valid JSON"):
        parse_daily_papers(body, origin="page.json")


def test_the_truncated_fixture_raises():
    with pytest.raises(SourceFormatError):
        parse_daily_papers(data_file("hf_truncated.json").read_text(), origin="hf_truncated.json")


def test_a_top_level_object_without_error_raises():
    with pytest.raises(SourceFormatError, match="expected a JSON list"):
        parse_daily_papers('{"papers": []}', origin="x")


@pytest.mark.parametrize(
    "name, expected",
    [
        ("daily_papers_date-2024-05-29.json", date(2024, 5, 29)),
        ("2024-05-29.json", date(2024, 5, 29)),
        ("/some/dir/2026-08-21.json", date(2026, 8, 21)),
        ("daily_papers_date-2024-02-30.json", None),
        ("papers.json", None),
        ("2024-05-29.json.bak", None),
        ("12024-05-29.json", None),
    ],
)
def test_it_reads_the_listing_day_from_a_file_name(name, expected):
    assert listing_day_from_filename(name) == expected


def page(n: int, first: int = 0) -> bytes:
    return json.dumps([{"paper": {"id": f"2401.{i:05d}"}} for i in range(first, first + n)]).encode()


def test_fetch_asks_for_a_day_and_stops_at_a_short_page():
    client = FakeClient(page(2), page(2, first=2), page(1, first=4))
    bodies = list(fetch_daily_papers(client, base_url="https://hf.example/api/", date="2024-05-29", limit=2))
    assert len(bodies) == 3
    assert client.calls == [
        ("https://hf.example/api/daily_papers", {"date": "2024-05-29", "p": 0, "limit": 2}),
        ("https://hf.example/api/daily_papers", {"date": "2024-05-29", "p": 1, "limit": 2}),
        ("https://hf.example/api/daily_papers", {"date": "2024-05-29", "p": 2, "limit": 2}),
    ]


def test_fetch_stops_at_an_empty_page():
    client = FakeClient(page(3), b"[]")
    assert len(list(fetch_daily_papers(client, base_url="https://hf.example/api", week="2024-W22", limit=3))) == 2
    assert client.calls[-1][1] == {"week": "2024-W22", "p": 1, "limit": 3}


def test_fetch_stops_when_the_server_ignores_paging():
    client = FakeClient(page(2), page(2))
    assert len(list(fetch_daily_papers(client, base_url="https://hf.example/api", month="2024-05", limit=2))) == 1
    assert len(client.calls) == 2


def test_fetch_yields_an_error_page_for_the_parser_and_stops():
    client = FakeClient(b'{"error": "bad"}')
    pages = list(fetch_daily_papers(client, base_url="https://hf.example/api", date="2024-05-29"))
    assert pages == [b'{"error": "bad"}']


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"date": "2024-05-29", "week": "2024-W22"},
        {"date": "2024-5-29"},
        {"date": "2024-02-30"},
        {"week": "2024-22"},
        {"week": "2024-W54"},
        {"month": "2024-13"},
        {"month": "2024-05-01"},
        {"date": "2024-05-29", "limit": 0},
    ],
)
def test_fetch_rejects_bad_periods(kwargs):
    with pytest.raises(ValueError):
        fetch_daily_papers(FakeClient(), base_url="https://hf.example/api", **kwargs)
