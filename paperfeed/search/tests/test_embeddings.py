"""encode(): the fake encoder the suite runs on, and a few tests of the real model."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest

from paperfeed.search import embeddings
from paperfeed.search.embeddings import DEFAULT_MODEL, dimension, document_text, encode, model_name

REFERENCE = Path(__file__).parent / "data" / "minilm_reference.json"


def test_the_test_suite_runs_on_the_fake_encoder():
    assert model_name() == "fake"


def test_encode_returns_one_float32_unit_vector_per_text():
    vectors = encode(["graph neural networks", "protein folding with transformers", ""])
    assert vectors.shape == (3, dimension())
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)


def test_encode_of_no_texts_is_an_empty_matrix_of_the_right_width():
    assert encode([]).shape == (0, dimension())


def test_the_fake_encoder_is_deterministic_and_keeps_the_input_order():
    texts = ["a much longer text about diffusion models for images", "short", "medium length text"]
    first, again = encode(texts, batch_size=1), encode(list(reversed(texts)), batch_size=2)
    assert np.array_equal(first, again[::-1])


def test_with_the_fake_encoder_texts_that_share_words_are_nearer_than_unrelated_ones():
    query, near, far = encode(
        ["contrastive learning of visual representations", "visual representations by contrastive learning",
         "monetary policy and inflation expectations"]
    )
    assert query @ near > 0.7  # four words of five in common
    assert query @ near > query @ far + 0.5


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind"):
        encode(["x"], kind="passage")


def test_the_document_text_is_the_title_then_the_abstract():
    assert document_text("Attention Is All You Need", "The dominant  models...") == (
        "Attention Is All You Need. The dominant models..."
    )
    assert document_text("What is a feed?", "An answer.") == "What is a feed? An answer."
    assert document_text("Only a title", "") == "Only a title"


def test_another_model_name_needs_sentence_transformers_and_says_how_to_install_it(settings, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_sentence_transformers(name, *args, **kwargs):
        if name.startswith("sentence_transformers"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sentence_transformers)
    settings.PAPERFEED_EMBEDDING_MODEL = "intfloat/e5-small-v2"
    with pytest.raises(RuntimeError, match=r"paperfeed\[sentence-transformers\]"):
        encode(["x"])


def test_the_model_is_loaded_once_even_when_threads_ask_at_once(settings, monkeypatch):
    loads = []

    def slow_load(name):
        loads.append(name)
        threading.Event().wait(0.05)
        return embeddings.FakeEncoder()

    monkeypatch.setattr(embeddings, "_load", slow_load)
    monkeypatch.setattr(embeddings, "_encoders", {})
    settings.PAPERFEED_EMBEDDING_MODEL = "some-model"
    threads = [threading.Thread(target=encode, args=(["x"],)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loads == ["some-model"]


# --- the real default model (slow: it loads onnxruntime and runs the network) ----------


@pytest.fixture
def real_model(settings):
    settings.PAPERFEED_EMBEDDING_MODEL = DEFAULT_MODEL
    return embeddings.encoder(DEFAULT_MODEL)


@pytest.mark.slow
def test_the_default_model_loads_offline_from_the_installed_packages(real_model):
    assert dimension() == 384
    assert real_model.tokenizer.truncation["max_length"] == 256  # not the file's 128


@pytest.mark.slow
def test_the_default_model_puts_similar_sentences_closer_than_unrelated_ones(real_model):
    a, b, c, d = encode(
        [
            "A neural network that translates English into German.",
            "Machine translation from English to German with deep learning.",
            "The mouse gene knockout increased insulin resistance.",
            "Deleting the gene in mice made them resistant to insulin.",
        ]
    )
    assert a @ b > 0.6 and c @ d > 0.6
    assert a @ b > a @ c + 0.3 and c @ d > b @ d + 0.3


@pytest.mark.slow
def test_the_default_model_matches_the_pytorch_sentence_transformers_vector(real_model):
    # Computed once with sentence-transformers on PyTorch (see the file). The
    # ONNX weights are int8, so the vectors agree in direction (cosine) to 1e-3,
    # each component to about 5e-3.
    reference = json.loads(REFERENCE.read_text())
    expected = np.array(reference["vector"], dtype=np.float32)
    [got] = encode([reference["text"]], kind="query")
    assert 1.0 - float(got @ expected) < 1e-3
    assert np.abs(got - expected).max() < 1e-2


@pytest.mark.slow
def test_the_default_model_truncates_long_texts_at_256_word_pieces_not_128(real_model):
    words = "the cat sat " * 60  # 180 word pieces: what follows is cut at 128, kept at 256
    base, longer = encode([words, words + "quantum chromodynamics lattice gauge theory"])
    assert float(base @ longer) < 0.9999


@pytest.mark.slow
def test_a_long_abstract_is_cut_into_passages_that_each_start_with_the_title(real_model):
    abstract = " ".join(f"sentence {i} says something about cells." for i in range(80))
    parts = embeddings.passages("Cell biology", abstract, model=real_model)
    assert len(parts) >= 2
    assert parts[0] == document_text("Cell biology", abstract)
    assert all(p.startswith("Cell biology. ") for p in parts)
    assert parts[-1].endswith("sentence 79 says something about cells.")
    assert embeddings.passages("Cell biology", "short", model=real_model) == ["Cell biology. short"]
