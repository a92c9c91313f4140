"""embed_pending and `paperfeed embed`: idempotent, resumable, and current with the text and the model."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from paperfeed.catalog.models import Paper
from paperfeed.ingest.records import PaperRecord
from paperfeed.ingest.upsert import papers_upsert
from paperfeed.ops.schedule import default_jobs
from paperfeed.search import embedding_jobs
from paperfeed.search.embedding_jobs import embed_pending, pending_count
from paperfeed.search.embeddings import document_text, encode
from paperfeed.search.models import Embedding
from paperfeed.search.tests.papers import add_paper

pytestmark = pytest.mark.django_db


def upsert(arxiv_id: str, title: str, abstract: str, version: int = 1) -> None:
    result = papers_upsert(records=[PaperRecord(arxiv_id=arxiv_id, source="arxiv", version=version, title=title, abstract=abstract)])
    assert not result.problems


def some_papers(count: int) -> list[Paper]:
    return [add_paper(f"2401.{i:05d}", f"Paper number {i}", f"abstract words {i} and more") for i in range(1, count + 1)]


def stored(paper: Paper) -> np.ndarray:
    return np.frombuffer(bytes(Embedding.objects.get(pk=paper.pk).vector), dtype="<f4")


def test_embed_pending_writes_one_vector_per_paper_of_its_title_and_abstract():
    papers = some_papers(3)
    assert embed_pending() == 3
    for paper in papers:
        row = Embedding.objects.get(pk=paper.pk)
        assert (row.model, row.dim) == ("fake", 256)
        assert np.allclose(stored(paper), encode([document_text(paper.title, paper.abstract)])[0])


def test_a_second_run_has_nothing_to_do():
    some_papers(3)
    embed_pending()
    before = {e.pk: e.updated_at for e in Embedding.objects.all()}
    assert pending_count() == 0
    assert embed_pending() == 0
    assert {e.pk: e.updated_at for e in Embedding.objects.all()} == before


def test_a_run_that_dies_midway_keeps_its_finished_batches_and_the_next_run_finishes(monkeypatch):
    some_papers(7)
    real_batch, calls = embedding_jobs._batch, []

    def dies_on_the_third_batch(ids, model, force):
        calls.append(ids)
        if len(calls) == 3:
            raise KeyboardInterrupt  # as when the process is stopped
        return real_batch(ids, model, force)

    monkeypatch.setattr(embedding_jobs, "_batch", dies_on_the_third_batch)
    with pytest.raises(KeyboardInterrupt):
        embed_pending(batch_size=2)
    assert Embedding.objects.count() == 4
    monkeypatch.setattr(embedding_jobs, "_batch", real_batch)
    assert embed_pending(batch_size=2) == 3
    assert Embedding.objects.count() == 7


def test_limit_stops_after_that_many_newest_first():
    papers = some_papers(5)
    assert embed_pending(limit=2) == 2
    assert set(Embedding.objects.values_list("pk", flat=True)) == {papers[4].pk, papers[3].pk}


def test_a_new_version_with_another_abstract_is_embedded_again():
    upsert("2401.00001", "Sparse attention", "the first abstract", version=1)
    embed_pending()
    paper = Paper.objects.get()
    old = stored(paper)
    upsert("2401.00001", "Sparse attention", "a rewritten abstract about routing", version=2)
    assert embed_pending() == 1
    assert not np.allclose(stored(paper), old)
    assert Embedding.objects.get(pk=paper.pk).text_hash == embedding_jobs.text_hash(
        document_text("Sparse attention", "a rewritten abstract about routing")
    )


def test_a_change_elsewhere_in_the_paper_does_not_re_encode_it(monkeypatch):
    papers = some_papers(2)
    embed_pending()
    Embedding.objects.filter(pk=papers[0].pk).update(updated_at=timezone.now() - timedelta(minutes=1))
    Paper.objects.filter(pk=papers[0].pk).update(comment="12 pages", modified_at=timezone.now())
    assert pending_count() == 1
    monkeypatch.setattr(embedding_jobs, "encode", lambda *a, **k: pytest.fail("re-encoded an unchanged text"))
    assert embed_pending() == 0
    assert pending_count() == 0


def test_changing_the_model_re_embeds_every_paper(settings, monkeypatch):
    some_papers(3)
    embed_pending()
    from paperfeed.search import embeddings

    class OtherFake(embeddings.FakeEncoder):
        name, dim = "other-fake", 16

    monkeypatch.setattr(embeddings, "_load", lambda name: OtherFake())
    monkeypatch.setattr(embeddings, "_encoders", {})
    settings.PAPERFEED_EMBEDDING_MODEL = "other-fake"
    assert pending_count() == 3
    assert embed_pending() == 3
    assert set(Embedding.objects.values_list("model", "dim")) == {("other-fake", 16)}


def test_rebuild_re_encodes_even_current_vectors():
    some_papers(3)
    embed_pending()
    assert embed_pending(rebuild=True) == 3


def test_hidden_papers_are_embedded_too_so_unhiding_needs_no_wait():
    add_paper("2401.00001", "Hidden paper", "text", hidden=True)
    assert embed_pending() == 1


def test_a_text_changed_while_it_was_being_encoded_is_left_for_the_next_run(monkeypatch):
    [paper] = some_papers(1)
    real_encode = embedding_jobs.encode

    def encode_while_someone_edits(texts, **kwargs):
        Paper.objects.filter(pk=paper.pk).update(abstract="edited meanwhile")
        return real_encode(texts, **kwargs)

    monkeypatch.setattr(embedding_jobs, "encode", encode_while_someone_edits)
    assert embed_pending() == 0
    monkeypatch.setattr(embedding_jobs, "encode", real_encode)
    assert embed_pending() == 1


def test_the_schedule_embeds_new_papers_after_the_ingest_jobs():
    names = [job.name for job in default_jobs()]
    assert names.index("embed new papers") > names.index("ingest arXiv categories")
    some_papers(2)
    [job] = [job for job in default_jobs() if job.name == "embed new papers"]
    job.run()
    assert Embedding.objects.count() == 2


# --- the command --------------------------------------------------------------------


def run_embed(*args: str) -> str:
    out = StringIO()
    call_command("embed", *args, "--no-progress", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_embed_command_prints_one_summary_line():
    some_papers(3)
    output = run_embed("--batch-size", "2")
    assert output.startswith("embedded 3 papers with fake in ")
    assert output.count("\n") == 1
    assert run_embed().startswith("embedded 0 papers with fake")


def test_the_embed_command_honours_limit_and_rebuild():
    some_papers(3)
    assert run_embed("--limit", "1").startswith("embedded 1 paper with fake")
    assert run_embed("--rebuild").startswith("embedded 3 papers")


def test_the_embed_command_fails_with_a_message_when_the_model_cannot_load(settings, monkeypatch):
    from paperfeed.search import embeddings

    def broken(name):
        raise RuntimeError("no such model")

    monkeypatch.setattr(embeddings, "_load", broken)
    monkeypatch.setattr(embeddings, "_encoders", {})
    settings.PAPERFEED_EMBEDDING_MODEL = "missing/model"
    some_papers(1)
    with pytest.raises(CommandError, match="embed: no such model"):
        run_embed()


def test_a_bad_batch_size_is_refused():
    with pytest.raises(CommandError, match="--batch-size"):
        run_embed("--batch-size", "0")
