"""`paperfeed search` (table and --json) and `paperfeed reindex`."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from paperfeed.search.models import SearchDocument
from paperfeed.search.services import search

from .papers import FakeSemantic, add_paper, ids

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def papers(db):
    return [
        add_paper("2205.14135", "FlashAttention: Fast and Memory-Efficient Exact Attention", "IO-aware attention.",
                  authors=["Tri Dao", "Christopher Ré"]),
        add_paper("hep-th/9901001", "Strings", "Old-style id, attention once.", authors=["Ada Lovelace"]),
        add_paper("2401.00003", "Graph kernels", "Nothing to see."),
    ]


def test_json_output_is_a_list_of_results_with_id_title_and_score(papers):
    out, _ = run("search", "attention", "--json", "--mode", "keyword")
    rows = json.loads(out)
    assert [row["id"] for row in rows] == ["2205.14135", "hep-th/9901001"]
    first = rows[0]
    assert first["title"] == "FlashAttention: Fast and Memory-Efficient Exact Attention"
    assert isinstance(first["score"], float) and first["score"] >= rows[1]["score"]
    assert first["rank"] == 1 and first["published"] == "2024-03-01"
    assert first["authors"] == ["Tri Dao", "Christopher Ré"]
    assert first["url"] == "https://arxiv.org/abs/2205.14135"


def test_several_words_are_one_query_and_limit_caps_the_results(papers):
    rows = json.loads(run("search", "exact", "attention", "--limit", "1", "--json")[0])
    assert [row["id"] for row in rows] == ["2205.14135"]


def test_the_human_output_is_a_table_with_a_summary(papers):
    out, _ = run("search", "attention", "--mode", "keyword")
    lines = out.splitlines()
    assert lines[0].split() == ["#", "score", "arXiv", "id", "date", "title"]
    assert "2205.14135" in lines[2] and "FlashAttention" in lines[2]
    assert lines[-1] == "2 of 2 results (keyword)"


def test_no_results_say_so_and_json_is_an_empty_list(papers):
    assert run("search", "zebra")[0].strip() == "No papers match."
    assert json.loads(run("search", "zebra", "--json")[0]) == []


def test_modes_and_filters_are_options(papers, monkeypatch):
    FakeSemantic(monkeypatch, [papers[2]])
    rows = json.loads(run("search", "attention", "--mode", "semantic", "--json")[0])
    assert [row["id"] for row in rows] == ["2401.00003"]
    rows = json.loads(run("search", "attention", "--since", "2030-01-01", "--json")[0])
    assert rows == []
    rows = json.loads(run("search", "attention", "--category", "cs.CL", "--mode", "keyword", "--json")[0])
    assert len(rows) == 2


def test_ignored_parts_of_the_query_are_reported_on_stderr(papers):
    _, err = run("search", "attention", "category:???", "--mode", "keyword")
    assert "ignored: category:??? is not an arXiv category" in err


def test_bad_options_fail_with_a_message(papers):
    with pytest.raises(CommandError):
        run("search", "attention", "--limit", "0")
    with pytest.raises(CommandError):
        run("search", "attention", "--since", "yesterday")
    with pytest.raises(CommandError):
        run("search", "attention", "--mode", "fuzzy")
    with pytest.raises(CommandError):
        run("search", "attention", "--category", "cs.CL\x00")


def test_reindex_makes_papers_written_without_documents_findable(db):
    add_paper("2401.00001", "Attention everywhere", index=False)
    add_paper("2401.00002", "Kernels", "attention", index=True)
    SearchDocument.objects.filter(paper__arxiv_id="2401.00002").update(title="stale")
    assert ids(search(q="everywhere", mode="keyword")) == []
    out, _ = run("reindex", "--no-progress")
    assert out.strip() == "reindexed 2 papers: search documents and full-text index"
    assert ids(search(q="everywhere", mode="keyword")) == ["2401.00001"]
    assert ids(search(q="kernels", mode="keyword")) == ["2401.00002"]


def test_paperfeed_help_lists_search_and_reindex(capsys):
    from paperfeed.cli import main

    main(["--help"])
    out = capsys.readouterr().out
    assert "\n  search " in out and "\n  reindex " in out
