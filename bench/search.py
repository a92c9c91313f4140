"""Search: relevance on SciFact, query latency up to 1M papers, embedding throughput.

Three parts (--part, default all):

  * relevance: SciFact (BEIR format, shared fixture retrieval-benchmark)
    loaded through papers_upsert and embed_pending, queried through
    paperfeed's own keyword_search, semantic_search, hybrid.fuse and
    services.search; nDCG@10 and Recall@100 of every variant tried, on the
    test split's natural-language claims and on short queries (their three
    most informative words). Fusion and feedback parameters and the
    re-ranking weights are chosen on the train split only. Deterministic: one
    run.
  * latency: p50/p99 of keyword, semantic and hybrid queries (services.search,
    one process) on synthetic catalogues of --sizes papers (sentences of real
    SciFact abstracts recombined; vectors clustered around real MiniLM
    vectors), bulk-loaded directly; against a linear-scan baseline in the same
    process: arxiv-sanity-lite's search loop in Python for keywords, and a
    dense numpy matrix scored and fully sorted per query for vectors.
  * throughput: abstracts per second of the default model on this machine,
    int8 vs fp32 ONNX (--fp32-onnx, an export made outside paperfeed), with and
    without sorting by length; medians of --runs runs.

Prints markdown tables; --write-docs replaces this script's section of
docs/benchmarks.md. Run from the repository root, e.g.
  .venv/bin/python bench/search.py --write-docs --fp32-onnx /tmp/minilm-fp32.onnx
  .venv/bin/python bench/search.py --part latency --sizes 10000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common as common  # noqa: E402

SCRIPT = "bench/search.py"
PARTS = ("relevance", "latency", "throughput")
CACHE_DIR = common.REPO_DIR / "data" / "bench-cache"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _fixtures() -> Path:
    from paperfeed.testing import shared_fixtures_dir

    root = shared_fixtures_dir()
    if not (root / "retrieval-benchmark").exists():
        sys.exit(f"{SCRIPT}: the shared fixtures are missing at {root} (set PAPERFEED_FIXTURES_DIR)")
    return root


# --- children -----------------------------------------------------------------------------


def _django() -> None:
    import django

    django.setup()


def _child(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog=f"{SCRIPT} _child")
    parser.add_argument("part")
    parser.add_argument("--size", type=int, default=0)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--baseline-queries", type=int, default=20)
    parser.add_argument("--fp32-onnx", default="")
    parser.add_argument("--texts", type=int, default=400)
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--quality", action="store_true")
    parser.add_argument("--vectors-only", action="store_true")
    args = parser.parse_args(argv)
    _django()
    if args.part == "relevance":
        from bench import _search_relevance

        result = _search_relevance.run(_fixtures(), None if args.no_cache else CACHE_DIR)
    elif args.part == "latency":
        from bench import _search_latency

        if args.vectors_only:
            result = _search_latency.run_vectors_only(_fixtures(), args.size, args.queries, CACHE_DIR)
        else:
            result = _search_latency.run(_fixtures(), args.size, args.queries, args.baseline_queries, CACHE_DIR)
    elif args.part == "throughput":
        from bench import _search_throughput

        result = _search_throughput.run(_fixtures(), args.texts, args.fp32_onnx or None, quality=args.quality)
    else:
        raise SystemExit(f"unknown part {args.part}")
    result["peak_rss_kib"] = common.peak_rss_kib()
    common.report(result)


def _run(part: str, env: dict[str, str], *extra: str) -> dict:
    return common.run_child([str(Path(__file__).resolve()), "_child", part, *extra], env)


# --- rendering ----------------------------------------------------------------------------


def _f3(value: float) -> str:
    return f"{value:.3f}"


def render_relevance(result: dict) -> str:
    rows = [
        [r["variant"], {"train": "train (809)", "train-short": "train, short queries", "test": "test (300)",
          "short": "test, short queries"}[r["split"]],
         _f3(r["ndcg10"]), _f3(r["recall100"])]
        for r in result["results"]
    ]
    tuned = result["tuned"]
    emb = result["embedded"]
    embed_note = (
        f"{emb['count']} abstracts embedded in {emb['seconds']:.0f} s ({emb['count'] / emb['seconds']:.1f}/s)"
        if emb["seconds"] else f"{emb['count']} vectors from the cache of an earlier run of the same model and texts"
    )
    s = result["settings"]
    lines = [
        "### Relevance on SciFact (BEIR)",
        "",
        f"{result['corpus']} abstracts ingested with `papers_upsert` in {result['ingest_seconds']:.1f} s; {embed_note}. "
        f"Rows marked train were used to choose parameters (the best: {tuned['method']}, k={tuned['k']:g}, "
        f"semantic weight {tuned['semantic_weight']}; feedback m={result['prf']['m']}, beta={result['prf']['beta']}); "
        "test rows were never used to choose anything. \"product\" rows go through `services.search` with that "
        f"fusion as its settings (the defaults): fusion {s['fusion']}, k={s['rrf_k']:g}, semantic weight {s['semantic_weight']}, "
        f"title weight {s['title_weight']:g}, {s['candidates']} candidates per side.",
        _rerank_note(result),
        "Short queries are the three highest-IDF words of each test claim, e.g. "
        + "; ".join(f"\"{long}\" → \"{short}\"" for long, short in result["short_examples"][:2]) + ".",
        "",
        common.markdown_table(["variant", "queries", "nDCG@10", "Recall@100"], rows, "llrr"),
    ]
    return "\n".join(lines)


def _rerank_note(result: dict) -> str:
    r = result.get("rerank")
    if not r:
        return ""
    pairs = ", ".join(f"{name} {fit:g} ({product:g})" for name, fit, product in zip(r["features"], r["fitted"], r["product"]))
    return (f"Re-ranking (paperfeed/search/rerank.py) scores the first {r['depth']} fused papers again with a linear "
            f"model; weights fitted on train in this run, with the product's in brackets: {pairs}.")


def _meta(result: dict) -> str:
    metas = [result["meta"]]
    if "sizes" in result:  # latency: sizes may come from several runs
        metas = list({m["command"]: m for m in (e.get("meta", result["meta"]) for e in result["sizes"])}.values())
    return "Produced by " + "; and ".join(
        f"`{m['command']}` on {m['date']} (load average "
        + (f"{m['load']:.2f} at the start)" if m["load"] is not None else "not recorded)") for m in metas
    ) + ". A load average well above 0 means other work shared the machine's 2 cores: slower, noisier numbers."


def render(results: dict[str, dict], facts: dict[str, str]) -> str:
    """The section; each part says which command produced it and when (parts can be run apart)."""
    facts = {k: v for k, v in facts.items() if k != "load average at start"}
    parts = [
        "## Search", "",
        __doc__.split("\n\n", 1)[1].split("Prints markdown")[0].strip(), "",
        "Machine: " + "; ".join(f"{k} {v}" for k, v in facts.items()) + ".",
    ]
    if "relevance" in results:
        parts += ["", render_relevance(results["relevance"]), "", _meta(results["relevance"])]
    if "latency" in results:
        from bench import _search_latency

        parts += ["", _search_latency.render(results["latency"]), "", _meta(results["latency"])]
    if "throughput" in results:
        from bench import _search_throughput

        parts += ["", _search_throughput.render(results["throughput"]), "", _meta(results["throughput"])]
    return "\n".join(parts) + "\n"


# --- main ---------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=SCRIPT, description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", action="append", choices=PARTS, help="part to run (repeatable; default all)")
    parser.add_argument("--sizes", default="10000,100000,1000000", help="latency: catalogue sizes (comma separated)")
    parser.add_argument("--queries", type=int, default=100, help="latency: queries per kind and size")
    parser.add_argument("--baseline-queries", type=int, default=20, help="latency: queries for the slow baseline")
    parser.add_argument("--runs", type=int, default=3, help="throughput: runs per variant (median)")
    parser.add_argument("--texts", type=int, default=400, help="throughput: abstracts per run")
    parser.add_argument("--fp32-onnx", default="", help="throughput: an fp32 ONNX export of all-MiniLM-L6-v2")
    parser.add_argument("--no-cache", action="store_true", help="relevance: embed the corpus even if cached")
    parser.add_argument("--vectors-only", action="store_true",
                        help="latency: measure the vector index alone (papers without text), e.g. at 1M")
    parser.add_argument("--write-docs", action="store_true", help="replace this script's section of docs/benchmarks.md")
    parser.add_argument("--saved-only", action="store_true",
                        help="run nothing: print (and with --write-docs write) the results the parts last saved")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_child"]:
        _child(argv[1:])
        return
    args = parse_args(argv)
    parts = [] if args.saved_only else (args.part or list(PARTS))
    _fixtures()
    facts = common.machine_facts()
    load = os.getloadavg()[0]
    results: dict[str, dict] = {}
    with common.databases(["sqlite"]) as providers:
        sqlite = providers["sqlite"]
        if "relevance" in parts:
            _say("relevance: SciFact through papers_upsert, embed_pending and the search functions ...")
            with sqlite.fresh() as env:
                common.migrate(env)
                results["relevance"] = _run("relevance", env, *(["--no-cache"] if args.no_cache else []))
        if "latency" in parts:
            results["latency"] = {"sizes": []}
            for size in [int(s) for s in args.sizes.split(",") if s]:
                _say(f"latency: {size:,} papers ...")
                with sqlite.fresh() as env:
                    common.migrate(env)
                    results["latency"]["sizes"].append(
                        _run("latency", env, "--size", str(size), "--queries", str(args.queries),
                             "--baseline-queries", str(args.baseline_queries),
                             *(["--vectors-only"] if args.vectors_only else []))
                    )
        if "throughput" in parts:
            from bench import _search_throughput

            _say("throughput: embedding abstracts ...")
            runs = []
            for i in range(args.runs):
                with sqlite.fresh() as env:
                    # nDCG (embeds the whole corpus with each model) in the first run only.
                    quality = ["--quality"] if i == 0 else []
                    runs.append(_run("throughput", env, "--texts", str(args.texts), "--fp32-onnx", args.fp32_onnx, *quality))
            results["throughput"] = _search_throughput.combine(runs)
    import json
    from datetime import datetime, timezone

    for part, result in results.items():
        result["meta"] = {"command": common.command_line(), "load": load,
                          "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        saved = CACHE_DIR / f"search-{part}.json"
        if part == "latency":
            for entry in result["sizes"]:
                entry["meta"] = result["meta"]
        if part == "latency" and saved.exists():  # sizes run apart add up; a size run again replaces its row
            sizes = {e["size"]: e for e in json.loads(saved.read_text())["sizes"]}
            sizes.update({e["size"]: e for e in result["sizes"]})
            result["sizes"] = [sizes[k] for k in sorted(sizes)]
        saved.write_text(json.dumps(result))
    if args.write_docs or args.saved_only:  # parts not run now: as their last run left them
        for part in PARTS:
            saved = CACHE_DIR / f"search-{part}.json"
            if part not in results and saved.exists():
                results[part] = json.loads(saved.read_text())
    results = {part: results[part] for part in PARTS if part in results}
    body = render(results, facts)
    print(body)
    if args.write_docs:
        path = common.write_docs_section(SCRIPT, body)
        _say(f"wrote {path}")


if __name__ == "__main__":
    main()
