from datetime import date, datetime, timezone

import pytest

from paperfeed.ingest.records import ARXIV_OAI, SourceFormatError, VersionRecord
from paperfeed.ingest.sources.arxiv_oai import fetch_list_records, parse_oai
from paperfeed.ingest.sources.tests import FakeClient, data_file
from paperfeed.testing import shared_fixture

UTC = timezone.utc
OAI_DC = "atomiklabs/listrecords_oai_dc_set-cs_from-2024-01-25_with_resumptionToken.xml"


def parse_fixture(name: str):
    path = shared_fixture(f"arxiv-oai/{name}")
    return parse_oai(path.read_bytes(), origin=path.name)


def by_id(result):
    return {record.arxiv_id: record for record in result.records}


@pytest.mark.parametrize(
    "name, count",
    [
        ("hepcrawl/arxiv-physics-hep-ex.xml", 3),
        ("hepcrawl/arxiv-physics-hep-th.xml", 3),
        ("hepcrawl/arxiv-single.xml", 1),
        ("hepcrawl/sample_arxiv_record.xml", 12),
        (OAI_DC, 5),
    ],
)
def test_it_parses_every_recorded_oai_file(name, count):
    result = parse_fixture(name)
    assert result.problems == []
    assert len(result.records) == count
    assert all(r.source == ARXIV_OAI and r.title and r.abstract and r.authors for r in result.records)


def test_the_arxiv_format_gives_cross_listed_categories_primary_first():
    record = by_id(parse_fixture("hepcrawl/arxiv-physics-hep-th.xml"))["1412.8323"]
    assert record.categories == ("quant-ph", "gr-qc", "hep-th", "math-ph", "math.MP", "physics.hist-ph")
    assert record.primary_category == "quant-ph"
    assert record.title == "Toolbox for reconstructing quantum theory from rules on information acquisition"
    assert record.license == "http://creativecommons.org/licenses/by/4.0/"
    assert [a.name for a in record.authors] == ["Philipp A Hoehn"]


def test_the_arxiv_format_gives_created_as_v1_and_leaves_the_version_open():
    record = by_id(parse_fixture("hepcrawl/arxiv-single.xml"))["1401.2122"]
    assert record.version is None
    assert record.versions == (VersionRecord(1, datetime(2014, 1, 9, tzinfo=UTC)),)
    assert record.published == datetime(2014, 1, 9, tzinfo=UTC)
    assert record.updated == datetime(2017, 10, 23, tzinfo=UTC)
    assert record.doi == "10.1007/s11005-017-1013-4"
    assert record.journal_ref == "Lett. Math. Phys. 108 (2018), no. 2, 359-376"
    assert record.comment.startswith("16 pages, LaTeX, no figures, revised and abridged, in this version (v5)")
    assert record.categories[0] == "math.AP" and len(record.categories) == 6


def test_the_arxiv_format_gives_doi_and_journal_ref_where_present():
    records = by_id(parse_fixture("hepcrawl/arxiv-physics-hep-ex.xml"))
    assert records["1706.09418"].doi == "10.1140/epjc/s10052-017-5414-4"
    assert records["1706.09418"].journal_ref == "Eur. Phys. J. C (2017) 77:856"
    assert records["1706.05371"].doi == "" and records["1706.05371"].journal_ref == ""
    assert records["1707.00874"].categories == ("hep-ph", "astro-ph.CO", "hep-ex")


def test_the_hand_assembled_get_record_sample_parses_with_affiliations():
    records = by_id(parse_fixture("hepcrawl/sample_arxiv_record.xml"))
    # Its first <arXiv> element lacks an xmlns and still parses.
    first = records["1601.03238"]
    assert first.categories == ("quant-ph", "gr-qc", "hep-th")
    assert first.authors[0].name == "Planck Collaboration"
    saxton = records["1606.07066"].authors[0]
    assert saxton.affiliation == "Technion; DESY"
    assert all(r.license for r in records.values())


def test_oai_dc_gives_the_resumption_token_and_list_size():
    result = parse_fixture(OAI_DC)
    assert result.resumption_token == "6960524|1001"
    assert result.complete_list_size == 1162


def test_oai_dc_reads_two_dates_as_two_versions():
    record = by_id(parse_fixture(OAI_DC))["1303.2033"]
    assert record.version == 2
    assert record.versions == (
        VersionRecord(1, datetime(2013, 3, 8, tzinfo=UTC)),
        VersionRecord(2, datetime(2024, 1, 23, tzinfo=UTC)),
    )
    assert record.published == datetime(2013, 3, 8, tzinfo=UTC)
    assert record.updated == datetime(2024, 1, 23, tzinfo=UTC)
    assert record.authors[0].name == "Vilnis Liepins"  # "Liepins, Vilnis"
    assert record.comment == "32 pages, 9 figures"  # "Comment: ..." description
    assert record.abstract.startswith("This summary of the doctoral thesis")
    assert "Comment:" not in record.abstract


def test_oai_dc_human_readable_subjects_give_no_categories():
    # "Computer Science - Data Structures and Algorithms" is not a code, and the
    # set "cs" is not a category: oai_dc does not say which categories apply.
    for record in parse_fixture(OAI_DC).records:
        assert record.categories == () and record.primary_category == ""


def test_oai_dc_single_date_paper():
    record = by_id(parse_fixture(OAI_DC))["2401.14040"]
    assert record.version == 1 and record.updated is None
    assert record.comment == "Accepted to the Findings of EACL 2024"
    assert [a.name for a in record.authors] == ["Francesco Periti", "Haim Dubossarsky", "Nina Tahmasebi"]


def test_oai_dc_edge_cases_deleted_codes_doi_and_a_closed_list():
    result = parse_oai(data_file("oai_dc_edge_cases.xml").read_bytes(), origin="oai_dc_edge_cases.xml")
    # the deleted record is skipped silently; the id-less one is a problem
    assert [r.arxiv_id for r in result.records] == ["2401.00002"]
    assert [p.record for p in result.problems] == ["oai:arXiv.org:not-an-id"]
    record = result.records[0]
    assert record.categories == ("cs.LG", "stat.ML") and record.primary_category == "cs.LG"
    assert record.doi == "10.1000/example.2"
    assert record.title == "Code-like subjects are kept"
    assert [a.name for a in record.authors] == ["John Doe Jr.", "Example Collaboration"]
    assert record.version == 3 and record.updated == datetime(2024, 1, 25, tzinfo=UTC)
    # An empty token closes the list.
    assert result.resumption_token is None
    assert result.complete_list_size == 1004


def test_no_records_match_is_an_empty_result():
    result = parse_oai(data_file("oai_no_records_match.xml").read_bytes(), origin="x")
    assert result.records == [] and result.problems == [] and result.resumption_token is None


def test_other_oai_errors_raise_with_code_and_text():
    with pytest.raises(SourceFormatError, match="badResumptionToken: The value of the resumptionToken") as caught:
        parse_oai(data_file("oai_bad_resumption_token.xml").read_bytes(), origin="page-7.xml")
    assert caught.value.what == "page-7.xml"


def test_a_document_that_is_not_oai_raises():
    with pytest.raises(SourceFormatError, match="not an OAI-PMH response"):
        parse_oai(b"<feed/>", origin="x")


def test_malformed_oai_xml_raises():
    with pytest.raises(SourceFormatError, match="malformed XML"):
        parse_oai(b"<OAI-PMH><ListRecords><record>", origin="x")


def test_fetch_sends_the_harvest_window():
    client = FakeClient(b"<OAI-PMH/>")
    body = fetch_list_records(
        client,
        base_url="https://oai.example/oai2",
        set_spec="cs",
        from_date=date(2024, 1, 25),
        until_date=date(2024, 1, 26),
    )
    assert body == b"<OAI-PMH/>"
    assert client.calls == [
        (
            "https://oai.example/oai2",
            {
                "verb": "ListRecords",
                "metadataPrefix": "arXiv",
                "set": "cs",
                "from": "2024-01-25",
                "until": "2024-01-26",
            },
        )
    ]


def test_fetch_with_a_token_sends_only_verb_and_token():
    client = FakeClient(b"<OAI-PMH/>")
    fetch_list_records(
        client,
        base_url="https://oai.example/oai2",
        metadata_prefix="oai_dc",
        set_spec="cs",
        from_date=date(2024, 1, 25),
        resumption_token="6960524|1001",
    )
    assert client.calls == [("https://oai.example/oai2", {"verb": "ListRecords", "resumptionToken": "6960524|1001"})]


@pytest.mark.parametrize(
    "kwargs",
    [{"metadata_prefix": "marc21"}, {"from_date": date(2024, 2, 1), "until_date": date(2024, 1, 1)}],
)
def test_fetch_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        fetch_list_records(FakeClient(), base_url="https://oai.example/oai2", **kwargs)
