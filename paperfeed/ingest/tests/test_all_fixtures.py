"""Every recorded response of every source, ingested through the commands.

The expected number of papers is counted here independently of the parsers,
with plain json and regular expressions over the raw files.
"""

import json
import re

import pytest
from django.core.management import CommandError, call_command

from paperfeed.catalog.models import Feature, Paper, PaperCategory
from paperfeed.ingest.models import IngestRun
from paperfeed.testing import shared_fixture

pytestmark = pytest.mark.django_db

ABS_ID = re.compile(r"<id>https?://arxiv\.org/abs/([^<]+?)(?:v\d+)?</id>")
OAI_ID = re.compile(r"<identifier>oai:arXiv\.org:([^<]+)</identifier>")


def hf_files():
    folder = shared_fixture("hf-daily-papers")
    files = sorted(folder.glob("*.json")) + sorted((folder / "bulk-2026-07-08").glob("*.json"))
    assert len(files) == 43
    return files


def arxiv_files():
    bodies = sorted(shared_fixture("arxiv-api/arxiv.py-golden-2026/bodies").glob("*.xml"))
    legacy = sorted(shared_fixture("arxiv-api/arxiv.py-2016").glob("*.xml"))
    error_feed = [p for p in bodies if p.name.startswith("id_abc_")]
    assert len(error_feed) == 1
    return [p for p in bodies if p not in error_feed] + legacy, error_feed[0]


def oai_files():
    folder = shared_fixture("arxiv-oai")
    return sorted(folder.glob("*/*.xml"))


def snapshot_file():
    return shared_fixture("arxiv-metadata-sample/kaggle-arxiv-metadata-oai-snapshot.head200.jsonl")


def expected_ids():
    ids = set()
    for path in hf_files():
        ids |= {item["paper"]["id"] for item in json.loads(path.read_text())}
    good, _ = arxiv_files()
    for path in good:
        ids |= set(ABS_ID.findall(path.read_text()))
    for path in oai_files():
        ids |= set(OAI_ID.findall(path.read_text()))
    ids |= {json.loads(line)["id"] for line in snapshot_file().open()}
    return ids


def ingest_everything(capsys):
    good, _ = arxiv_files()
    call_command("ingest", "hf", "--file", *[str(p) for p in hf_files()])  # one --file, many paths
    call_command("ingest", "arxiv", *[f"--file={p}" for p in good])  # --file repeated
    call_command("ingest", "oai", *[f"--file={p}" for p in oai_files()])
    call_command("import", "arxiv-snapshot", str(snapshot_file()), "--no-progress")
    return capsys.readouterr().out.strip().splitlines()


def test_every_source_lands_each_paper_once_and_a_second_run_adds_nothing(capsys):
    first = ingest_everything(capsys)
    expected = expected_ids()
    assert set(Paper.objects.values_list("arxiv_id", flat=True)) == expected
    assert Paper.objects.count() == len(expected)
    assert all(" ok: " in line for line in first), first
    assert IngestRun.objects.filter(status=IngestRun.OK).count() == 4

    second = ingest_everything(capsys)
    assert Paper.objects.count() == len(expected)
    for line in second:
        assert ": 0 new, 0 updated," in line, line
    assert not IngestRun.objects.exclude(status=IngestRun.OK).exists()


def test_the_hf_bulk_folder_has_753_papers_and_755_features(capsys):
    bulk = sorted(shared_fixture("hf-daily-papers/bulk-2026-07-08").glob("*.json"))
    call_command("ingest", "hf", *[f"--file={p}" for p in bulk])
    assert Paper.objects.count() == 753
    assert Feature.objects.count() == 755
    assert "755 seen" not in capsys.readouterr().out  # sanity: the summary is the one-line form


def test_a_paper_from_several_sources_is_merged(capsys):
    # 2104.12255 is in the arXiv API fixtures; cross-listed papers keep all categories.
    good, _ = arxiv_files()
    call_command("ingest", "arxiv", *[f"--file={p}" for p in good])
    multi = PaperCategory.objects.values("paper").order_by().distinct()
    assert multi.count() == Paper.objects.count()
    paper = Paper.objects.get(arxiv_id="quant-ph/0201082")
    assert len(paper.category_links.all()) == 2


def test_the_arxiv_error_feed_fails_the_command_with_arxivs_message(capsys):
    _, error_feed = arxiv_files()
    with pytest.raises(CommandError) as failure:
        call_command("ingest", "arxiv", f"--file={error_feed}")
    assert "incorrect id format for abc" in str(failure.value).lower()
    run = IngestRun.objects.get()
    assert run.status == IngestRun.FAILED
    assert Paper.objects.count() == 0


def test_a_bad_file_among_good_ones_is_reported_and_the_good_ones_land(tmp_path, capsys):
    broken = tmp_path / "broken.json"
    broken.write_text('[{"paper": {"id": "2405.00001", "title": "cut off')
    good = shared_fixture("hf-daily-papers/daily_papers_date-2024-05-29.json")
    with pytest.raises(CommandError) as failure:
        call_command("ingest", "hf", f"--file={good}", f"--file={broken}")
    assert str(broken) in str(failure.value)
    assert Paper.objects.count() == len(json.loads(good.read_text()))
    run = IngestRun.objects.get()
    assert run.status == IngestRun.FAILED and run.new == Paper.objects.count()
