"""Embedding throughput of the default model, and what int8 and sorting by length buy (a child of bench/search.py).

Texts are SciFact abstracts as paperfeed embeds them ("Title. Abstract").
Variants: the packaged int8 ONNX model (the product) and, given --fp32-onnx,
an fp32 ONNX export of the same model, each with batches of texts sorted by
length (the product) or in input order. Quality: semantic-only nDCG@10 on
the SciFact test split with each model's vectors (exact dot products), and
the cosine between each variant's vectors and the product's.
"""

from __future__ import annotations

import hashlib
import re
import math
import statistics
import time
from pathlib import Path

import numpy as np

from bench import _common as common
from bench._search_relevance import BEIR, evaluate, load_beir

BATCH = 32


def _unsorted(encoder, texts: list[str]) -> np.ndarray:
    return np.concatenate([encoder._batch(texts[s : s + BATCH]) for s in range(0, len(texts), BATCH)])


def _ndcg(encoder, corpus, queries, qrels, cache: Path) -> float:
    from paperfeed.search.embeddings import document_text

    relevance = sorted(p for p in cache.parent.glob("scifact-*.npz") if re.fullmatch(r"scifact-[0-9a-f]{16}\.npz", p.name))
    relevance = relevance if "int8" in cache.name else []
    if relevance and len(np.load(relevance[-1])["vectors"]) == len(corpus):
        docs = np.load(relevance[-1])["vectors"]  # the relevance part's vectors of the same model, in corpus order
    elif cache.exists():
        docs = np.load(cache)
    else:
        docs = encoder.encode([document_text(d["title"], d["text"]) for d in corpus], batch_size=BATCH, kind="document")
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache, docs)
    qids = list(qrels["test"])
    qv = encoder.encode([queries[q] for q in qids], batch_size=BATCH, kind="query")
    ids = [d["_id"] for d in corpus]
    runs = {qid: [ids[i] for i in np.argsort(-(docs @ v))[:100]] for qid, v in zip(qids, qv)}
    return evaluate(runs, qrels["test"])["ndcg10"]


def run(fixtures: Path, count: int, fp32_path: str | None, quality: bool = True, fp32_ndcg: bool = False) -> dict:
    from paperfeed.search.embeddings import DEFAULT_MODEL, OnnxMiniLM, document_text, encoder

    corpus, queries, qrels = load_beir(fixtures / BEIR)
    texts = [document_text(d["title"], d["text"]) for d in corpus[:count]]
    models = {"int8 ONNX (packaged)": encoder(DEFAULT_MODEL)}
    if fp32_path:
        models["fp32 ONNX (own export)"] = OnnxMiniLM(name="fp32", model_path=fp32_path)
    reference = None
    out: dict = {"texts": len(texts), "rates": {}, "cosine": {}, "ndcg10": {}}
    cache_dir = common.REPO_DIR / "data" / "bench-cache"
    for label, model in models.items():
        for order in ("sorted by length", "input order"):
            started = time.perf_counter()
            vectors = model.encode(texts, batch_size=BATCH, kind="document") if order.startswith("sorted") else _unsorted(model, texts)
            out["rates"][f"{label}|{order}"] = len(texts) / (time.perf_counter() - started)
            if reference is None:
                reference = vectors
            out["cosine"][f"{label}|{order}"] = float((vectors * reference).sum(axis=1).mean())
        if "fp32" in label:
            key = "fp32-" + hashlib.sha256(f"{fp32_path}:{Path(fp32_path).stat().st_size}".encode()).hexdigest()[:12]
        else:
            key = "int8"
        # fp32 over the whole corpus takes long: only when its vectors were cached by an earlier run.
        if quality and (key == "int8" or (cache_dir / f"throughput-{key}.npy").exists() or fp32_ndcg):
            out["ndcg10"][label] = _ndcg(model, corpus, queries, qrels, cache_dir / f"throughput-{key}.npy")
    return out


def combine(runs: list[dict]) -> dict:
    keys = runs[0]["rates"]
    return {
        "texts": runs[0]["texts"],
        "runs": len(runs),
        "rates": {k: common.summarize([r["rates"][k] for r in runs]).__dict__ for k in keys},
        "cosine": runs[0]["cosine"],
        "ndcg10": next((r["ndcg10"] for r in runs if r["ndcg10"]), {}),
    }


def render(result: dict) -> str:
    base = result["rates"]["int8 ONNX (packaged)|sorted by length"]["median"]
    rows = []
    for key, rate in result["rates"].items():
        label, order = key.split("|")
        spread = common.fmt_spread(common.Summary(**rate), lambda v: f"{v:.1f}")
        rows.append([label, order, f"{rate['median']:.1f}", spread, common.fmt_ratio(rate["median"] / base),
                     f"{result['cosine'][key]:.4f}",
                     f"{result['ndcg10'][label]:.3f}" if label in result["ndcg10"] else "not measured"])
    return "\n".join([
        "### Embedding throughput (all-MiniLM-L6-v2, 2 cores)",
        "",
        f"{result['texts']} SciFact abstracts, batches of 32 texts, up to 256 word pieces each; medians of "
        f"{result['runs']} runs, each in a fresh process. \"vs product\" is the speed against the packaged "
        "int8 model sorting by length; cosine is the mean cosine of each variant's vectors with the product's; "
        "nDCG@10 is semantic search alone on the SciFact test split with that model's vectors.",
        "",
        common.markdown_table(["model", "batches", "abstracts/s", "spread", "vs product", "cosine", "nDCG@10"],
                              rows, "llrrrrr"),
    ])
