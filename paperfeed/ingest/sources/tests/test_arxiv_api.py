from datetime import date, datetime, timedelta, timezone

import pytest

from paperfeed.ingest.records import ARXIV_API, SourceFormatError, VersionRecord
from paperfeed.ingest.sources.arxiv_api import (
    build_search_query,
    fetch_query_page,
    parse_feed,
    unwrap_envelope,
)
from paperfeed.ingest.sources.tests import FakeClient, data_file
from paperfeed.testing import shared_fixture

UTC = timezone.utc


def golden(name: str):
    """Parse a 2026 recording from its JSON envelope, as the import command would."""
    path = shared_fixture(f"arxiv-api/arxiv.py-golden-2026/{name}.json")
    status, body = unwrap_envelope(path.read_bytes(), origin=path.name)
    assert status == 200
    return parse_feed(body, origin=path.name)


def legacy(name: str):
    path = shared_fixture(f"arxiv-api/arxiv.py-2016/{name}.xml")
    return parse_feed(path.read_bytes(), origin=path.name)


def test_it_parses_every_2026_recording_except_the_error_one():
    folder = shared_fixture("arxiv-api/arxiv.py-golden-2026")
    for path in sorted(folder.glob("*.json")):
        status, body = unwrap_envelope(path.read_bytes())
        if status == 400:
            continue
        result = parse_feed(body, origin=path.name)
        assert result.problems == [], path.name
        # The plain-XML copies in bodies/ parse the same.
        again = parse_feed((folder / "bodies" / f"{path.stem}.xml").read_bytes(), origin=path.name)
        assert again.records == result.records


def test_it_reads_the_first_page_of_a_search_with_its_total():
    result = golden("q_testing_s0_m100_cfe7536492ca")
    records = result.records
    assert result.total_results == 214881
    assert len(records) == 100
    # Counts documented in the fixture's SOURCES.md.
    assert sum(1 for r in records if r.version >= 2) == 36
    assert sum(1 for r in records if len(r.categories) > 1) == 46
    assert sum(1 for r in records if r.doi) == 32
    assert sum(1 for r in records if r.journal_ref) == 18
    first = records[0]
    assert first.arxiv_id == "2202.12139" and first.doi == "10.1109/ICSTW55395.2022.00035"
    assert all(r.source == ARXIV_API and r.published.tzinfo is UTC for r in records)


def test_a_later_version_gives_v1_and_the_current_version():
    record = next(r for r in golden("q_testing_s0_m100_cfe7536492ca").records if r.arxiv_id == "2409.05654")
    assert record.version == 9
    assert record.versions == (
        VersionRecord(1, datetime(2024, 9, 9, 14, 21, 19, tzinfo=UTC)),
        VersionRecord(9, datetime(2025, 5, 8, 20, 52, 40, tzinfo=UTC)),
    )
    assert record.published == record.versions[0].submitted
    assert record.updated == record.versions[1].submitted


def test_a_first_version_has_one_version_record():
    record = golden("id_2104.12255v1_s0_m100_6ae69987ffe1").records[0]
    assert (record.arxiv_id, record.version) == ("2104.12255", 1)
    assert record.versions == (VersionRecord(1, datetime(2021, 4, 20, 16, 7, 14, tzinfo=UTC)),)
    assert record.title == "0"  # a real title that is easy to lose as "falsy"


def test_it_reads_an_old_style_id_with_two_categories():
    record = golden("id_quant-ph_0201082v1_s0_m100_86989fe779ef").records[0]
    assert (record.arxiv_id, record.version) == ("quant-ph/0201082", 1)
    assert record.categories == ("quant-ph", "cs.PL") and record.primary_category == "quant-ph"
    assert record.comment == "32 pages"
    assert [a.name for a in record.authors] == ["Stephen Blaha"]


def test_it_reads_affiliations_journal_ref_and_comment():
    result = golden("id_astro-ph_0601001_s0_m100_3150dca9dc76")
    record = result.records[0]
    assert record.arxiv_id == "astro-ph/0601001"
    assert record.journal_ref == "ActaAstron.56:1-50,2006"
    assert record.comment.startswith("62 pages including 16 figures and 9 tables.")
    assert [(a.name, a.affiliation) for a in record.authors] == [
        ("Andrew Gould", "Ohio State"),
        ("Susan Dorsher", "Ohio State"),
        ("B. Scott Gaudi", "CfA"),
        ("Andrzej Udalski", "Warsaw University Observatory"),
    ]
    assert record.doi == "" and record.license == ""


def test_a_list_with_a_missing_id_returns_only_the_existing_paper():
    result = golden("id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af")
    assert [r.arxiv_id for r in result.records] == ["1707.08567"]


@pytest.mark.parametrize("name", ["id_0000.0000_s0_m100_8b51d9633a68", "id_0808.05394_s0_m100_7b0c7d0a7cdd"])
def test_an_empty_result_is_not_an_error(name):
    result = golden(name)
    assert result.records == [] and result.problems == []
    assert result.total_results == 0


def test_the_error_feed_raises_with_arxivs_message():
    path = shared_fixture("arxiv-api/arxiv.py-golden-2026/id_abc_s0_m100_b79c8dcf6bc3.json")
    status, body = unwrap_envelope(path.read_bytes())
    assert status == 400
    with pytest.raises(SourceFormatError, match="incorrect id format for abc") as caught:
        parse_feed(body, origin=path.name)
    assert caught.value.what == path.name and caught.value.source == ARXIV_API


def test_it_parses_the_2016_legacy_format():
    result = legacy("id_list-1111.2011v2")
    record = result.records[0]
    assert result.total_results == 1
    assert (record.arxiv_id, record.version) == ("1111.2011", 2)
    assert record.title == "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit"
    assert record.abstract.startswith("Theoretical description of anisotropic systems, such as layered superconductors")
    assert "\n" not in record.abstract
    assert record.doi == "10.1103/PhysRevB.85.115117"
    assert record.journal_ref == "Phys. Rev. B 85, 115117 (2012)"
    assert record.categories == ("cond-mat.str-el", "cond-mat.stat-mech")
    assert record.versions == (
        VersionRecord(1, datetime(2011, 11, 8, 18, 48, 36, tzinfo=UTC)),
        VersionRecord(2, datetime(2012, 4, 2, 12, 38, 54, tzinfo=UTC)),
    )


def test_the_2016_search_mixes_old_and_new_ids_and_versions():
    result = legacy("search_query-au_del_maestro")
    assert result.total_results == 31 and result.problems == []
    ids = [r.arxiv_id for r in result.records]
    assert ids[:2] == ["1201.4869", "cond-mat/0412498"]
    assert sum(1 for r in result.records if r.version >= 2) == 4
    assert all(r.doi and r.journal_ref for r in result.records)


@pytest.mark.parametrize(
    "name, entries, total",
    [
        ("search_query-au_del_maestro_ANDNOT_ti_checkerboard_OR_ti_Pyrochlore", 10, 24),
        ("search_query-au_del_maestro_AND_ti_checkerboard", 1, 1),
        ("search_query-au_del_maestro_AND_ti_quantum_criticality", 2, 2),
    ],
)
def test_every_2016_file_parses(name, entries, total):
    result = legacy(name)
    assert (len(result.records), result.total_results, result.problems) == (entries, total, [])


def test_a_bad_entry_is_a_problem_and_the_rest_lands():
    result = parse_feed(data_file("atom_bad_entry.xml").read_bytes(), origin="atom_bad_entry.xml")
    assert [p.record for p in result.problems] == ["entry 0"]
    record = result.records[0]
    assert (record.arxiv_id, record.version) == ("math.GT/0309136", 3)
    assert record.title == r"Hand-made entry with wrapped title and $\mathbb{Z}_2$ maths"
    assert record.abstract == "Two lines of text."
    assert record.categories == ("math.GT", "math.AT")  # primary first
    assert record.updated == datetime(2005, 1, 10, 13, 30, tzinfo=UTC)  # -05:00 converted
    assert record.doi == "10.1000/example.1"  # from the doi link
    assert record.authors[0].affiliation == "Univ. One; Lab Two"


def test_malformed_xml_raises():
    with pytest.raises(SourceFormatError, match="malformed XML") as caught:
        parse_feed(data_file("truncated_feed.xml").read_bytes(), origin="truncated_feed.xml")
    assert "\n" not in str(caught.value)


def test_a_document_that_is_not_a_feed_raises():
    with pytest.raises(SourceFormatError, match="not an Atom feed"):
        parse_feed("<html><body>503</body></html>", origin="x")


def test_a_bad_envelope_raises():
    with pytest.raises(SourceFormatError):
        unwrap_envelope(b'{"url": "x"}', origin="x.json")


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        (
            {"categories": ["cs.AI", "cs.CL"], "since": date(2024, 1, 1), "until": date(2024, 1, 31)},
            "(cat:cs.AI OR cat:cs.CL) AND submittedDate:[202401010000 TO 202401312359]",
        ),
        ({"categories": ["hep-th"]}, "cat:hep-th"),
        ({"categories": ["math.GT", "astro-ph.CO", "cond-mat.str-el", "math.GT"]},
         "(cat:math.GT OR cat:astro-ph.CO OR cat:cond-mat.str-el)"),
        ({"categories": [], "since": date(2024, 1, 1), "until": date(2024, 1, 1)},
         "submittedDate:[202401010000 TO 202401012359]"),
    ],
)
def test_it_builds_search_queries(kwargs, expected):
    assert build_search_query(**kwargs) == expected


def test_until_defaults_to_today_in_utc():
    since = date(2024, 1, 1)
    query = build_search_query(categories=["cs.AI"], since=since)
    today = datetime.now(UTC).date()
    assert query.endswith(f"TO {today:%Y%m%d}2359]") or query.endswith(f"TO {today - timedelta(days=1):%Y%m%d}2359]")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"categories": ["cs.AI OR 1"]},
        {"categories": ["cs."]},
        {"categories": ["CS.AI"]},
        {"categories": ["cs.AI)"]},
        {"categories": []},
        {"categories": ["cs.AI"], "until": date(2024, 1, 1)},
        {"categories": ["cs.AI"], "since": date(2024, 2, 1), "until": date(2024, 1, 1)},
    ],
)
def test_it_rejects_bad_query_input(kwargs):
    with pytest.raises(ValueError):
        build_search_query(**kwargs)


def test_fetch_sends_a_sorted_search():
    client = FakeClient(b"<feed/>")
    body = fetch_query_page(client, base_url="https://arxiv.example/api/query", search_query="cat:cs.AI", start=100)
    assert body == b"<feed/>"
    assert client.calls == [
        (
            "https://arxiv.example/api/query",
            {"search_query": "cat:cs.AI", "start": 100, "max_results": 100,
             "sortBy": "submittedDate", "sortOrder": "descending"},
        )
    ]


def test_fetch_by_id_list_joins_ids_and_does_not_sort():
    client = FakeClient(b"<feed/>")
    fetch_query_page(client, base_url="https://arxiv.example/api/query", id_list=["2104.12255v1", "quant-ph/0201082"])
    assert client.calls[0][1] == {"id_list": "2104.12255v1,quant-ph/0201082", "start": 0, "max_results": 100}


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"id_list": ["abc"]}, {"search_query": "x", "start": -1}, {"search_query": "x", "max_results": 0},
     {"search_query": "x", "max_results": 5000}],
)
def test_fetch_rejects_bad_arguments(kwargs):
    client = FakeClient()
    with pytest.raises(ValueError):
        fetch_query_page(client, base_url="https://arxiv.example/api/query", **kwargs)
    assert client.calls == []
