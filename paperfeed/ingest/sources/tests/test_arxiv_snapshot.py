import json
from datetime import datetime, timezone

from paperfeed.ingest.records import ARXIV_SNAPSHOT, AuthorRecord, PaperRecord, ParseProblem, VersionRecord
from paperfeed.ingest.sources.arxiv_snapshot import iter_snapshot
from paperfeed.ingest.sources.tests import data_file
from paperfeed.testing import shared_fixture

UTC = timezone.utc
SAMPLE = "arxiv-metadata-sample/kaggle-arxiv-metadata-oai-snapshot.head200.jsonl"


def sample_records() -> dict[str, PaperRecord]:
    with shared_fixture(SAMPLE).open(encoding="utf-8") as handle:
        out = list(iter_snapshot(handle, origin=SAMPLE))
    assert [o for o in out if isinstance(o, ParseProblem)] == []
    return {record.arxiv_id: record for record in out}


def test_it_parses_the_200_record_sample_without_problems():
    records = sample_records()
    assert len(records) == 200
    assert min(records) == "0704.0001" and max(records) == "0704.0200"
    assert all(r.source == ARXIV_SNAPSHOT and r.published.tzinfo is UTC for r in records.values())
    # Counts documented in the fixture's SOURCES.md.
    assert sum(1 for r in records.values() if r.version > 1) == 87
    assert sum(1 for r in records.values() if r.doi) == 117
    assert sum(1 for r in records.values() if r.journal_ref) == 109
    assert sum(1 for r in records.values() if len(r.categories) > 1) == 78


def test_versions_published_and_updated_come_from_the_versions_list():
    record = sample_records()["0704.0001"]
    assert record.version == 2
    assert record.versions == (
        VersionRecord(1, datetime(2007, 4, 2, 19, 18, 42, tzinfo=UTC)),
        VersionRecord(2, datetime(2007, 7, 24, 20, 10, 27, tzinfo=UTC)),
    )
    assert record.published == record.versions[0].submitted
    assert record.updated == record.versions[-1].submitted
    assert record.doi == "10.1103/PhysRevD.76.013009"
    assert record.journal_ref == "Phys.Rev.D76:013009,2007"
    assert record.comment == "37 pages, 15 figures; published version"
    assert record.license == ""  # null in the snapshot


def test_authors_come_from_authors_parsed():
    records = sample_records()
    # The raw string says "C. Bal\'azs"; authors_parsed has the accent resolved.
    assert records["0704.0001"].authors[0] == AuthorRecord(name="C. Balázs")
    # A suffix goes after the surname.
    assert AuthorRecord(name="Neal J. Evans II") in records["0704.0009"].authors
    # A fourth element is an affiliation...
    assert records["0704.0031"].authors == (AuthorRecord(name="V. M. Biryukov", affiliation="Serpukhov, IHEP"),)
    # ...unless it is only a footnote marker.
    assert records["0704.0025"].authors[0] == AuthorRecord(name="A. S. Mishchenko")
    assert records["0704.0020"].authors[0].name == "The BABAR Collaboration"


def test_categories_keep_arxiv_order_with_the_primary_first():
    record = sample_records()["0704.0002"]
    assert record.categories == ("math.CO", "cs.CG") and record.primary_category == "math.CO"


def test_whitespace_is_collapsed_and_latex_kept():
    records = sample_records()
    assert records["0704.0005"].title == r"From dyadic $\Lambda_{\alpha}$ to $\Lambda_{\alpha}$"
    assert records["0704.0011"].title == (
        r"Computing genus 2 Hilbert-Siegel modular forms over $\Q(\sqrt{5})$ via the Jacquet-Langlands correspondence"
    )
    assert records["0704.0002"].abstract.startswith(r"We describe a new algorithm, the $(k,\ell)$-pebble game")
    assert all("\n" not in r.title and "  " not in r.abstract for r in records.values())


def test_it_streams_one_line_at_a_time():
    consumed = []

    def lines():
        with shared_fixture(SAMPLE).open("rb") as handle:
            for line in handle:
                consumed.append(line)
                yield line

    stream = iter_snapshot(lines(), origin=SAMPLE)
    first = next(stream)
    assert first.arxiv_id == "0704.0001" and len(consumed) == 1


def test_bad_lines_are_problems_and_the_rest_parses():
    with data_file("snapshot_bad_lines.jsonl").open(encoding="utf-8") as handle:
        out = list(iter_snapshot(handle, origin="snapshot_bad_lines.jsonl"))
    records = [o for o in out if isinstance(o, PaperRecord)]
    problems = [o for o in out if isinstance(o, ParseProblem)]
    assert [r.arxiv_id for r in records] == ["0704.0001", "0704.0007"]
    assert [p.record for p in problems] == [
        "line 3",
        "line 4 (0704.0003)",
        "line 5 (abc)",
        "line 6",
        "line 7 (0704.0006)",
    ]
    assert "not valid JSON" in problems[0].message
    assert "no title" in problems[1].message
    assert all(p.source == ARXIV_SNAPSHOT and "\n" not in p.message for p in problems)

    first, last = records
    assert first.title == "First good line" and first.categories == ("hep-ph",)
    assert first.authors == (AuthorRecord(name="A. One"), AuthorRecord(name="B. Two"))  # raw-string fallback
    assert first.version == 1 and first.updated == first.published
    # versions listed out of order are sorted
    assert last.version == 2 and [v.number for v in last.versions] == [1, 2]
    assert last.published == datetime(2007, 4, 2, 10, 0, tzinfo=UTC)
    assert last.authors == (
        AuthorRecord(name="John Doe Jr."),
        AuthorRecord(name="Jane Roe", affiliation="Some University"),
    )


def test_bytes_lines_and_a_bom_are_accepted():
    line = json.dumps({"id": "0704.0001", "title": "T"}).encode()
    out = list(iter_snapshot([b"\xef\xbb\xbf" + line, b"\xff\xfe bad bytes"], origin="x"))
    assert out[0].arxiv_id == "0704.0001" and out[0].version is None and out[0].versions == ()
    assert isinstance(out[1], ParseProblem) and out[1].record == "line 2"
