"""Email digests: building and delivering a day's mails for many subscribers.

Measures, on SQLite and/or a throwaway PostgreSQL 16, `digests_send` (what
`paperfeed digests send` and the schedule run) for --subscribers subscribers
with mixed subscriptions (trending, followed authors, organisations and
categories, saved searches), delivering over SMTP into a local aiosmtpd server
on 127.0.0.1 (in the parent process): wall time, mails per second, where the
time goes, and the peak memory of the sending process. The baseline, measured
in the same invocation on --naive-subscribers of the same subscribers: a naive
per-recipient loop that queries the catalogue for each subscriber and sends
each mail with Django's own `EmailMessage.send()` (and no exactly-once record).

Each measurement runs in a fresh process against a fresh, migrated database
holding the same catalogue and subscribers (built by a child, not timed); the
figures are medians of --runs runs with their min-max spread. Prints a markdown
table; --write-docs also replaces this script's section of docs/benchmarks.md.

Run from the repository root, e.g.
  .venv/bin/python bench/digests.py --write-docs
  .venv/bin/python bench/digests.py --subscribers 1000 --naive-subscribers 100 --runs 1
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common as common  # noqa: E402

SCRIPT = "bench/digests.py"
SAMPLE = "arxiv-metadata-sample/kaggle-arxiv-metadata-oai-snapshot.head200.jsonl"
AS_OF = datetime(2026, 3, 10, 7, tzinfo=timezone.utc)  # a Tuesday; the day's mails are due from 06:00
CUTOFF = datetime(2026, 3, 10, 6, tzinfo=timezone.utc)
POOL_DAYS = 28  # papers published over the four weeks before the cutoff
NEW_TODAY = 600  # of which arrived in the day before the cutoff (a busy arXiv day in a few categories)
FEATURED_PER_DAY = 50
ORGANIZATIONS = 40
SEARCHES = 200  # distinct saved searches among the subscribers
PAPERFEED, NAIVE = "paperfeed", "naive"


# ==== child: the catalogue and the subscribers ====================================================


def _build(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog=f"{SCRIPT} _build")
    parser.add_argument("--papers", type=int, required=True)
    parser.add_argument("--subscribers", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.db import connection, transaction

    from paperfeed.catalog.models import Author, Feature, Organization, Paper, PaperAuthor, PaperCategory
    from paperfeed.catalog.models import author_name_key
    from paperfeed.digests.models import Subscriber, Subscription
    from paperfeed.digests.subscriptions import spec_key
    from paperfeed.search.documents import search_documents_rebuild
    from paperfeed.testing import shared_fixtures_dir

    started = time.perf_counter()
    rng = random.Random(args.seed)
    orgs = Organization.objects.bulk_create(
        [Organization(name=f"lab-{n:02d}", full_name=f"Research Lab {n:02d}") for n in range(ORGANIZATIONS)]
    )
    records = [json.loads(line) for line in common.synthetic_snapshot_lines(shared_fixtures_dir() / SAMPLE,
                                                                             args.papers, seed=args.seed)]
    papers, authors_of, names, arrivals = [], [], {}, []
    for i, record in enumerate(records):
        if i < NEW_TODAY:  # arrived in the day before the cutoff
            arrived = CUTOFF - timedelta(minutes=rng.randint(1, 24 * 60 - 1))
        else:
            arrived = CUTOFF - timedelta(days=1, minutes=rng.randint(0, (POOL_DAYS - 1) * 24 * 60))
        published = arrived - timedelta(hours=rng.randint(4, 40))
        categories = record["categories"].split()
        arrivals.append(arrived)
        papers.append(Paper(arxiv_id=record["id"], title=" ".join(record["title"].split()),
                            abstract=" ".join(record["abstract"].split()), primary_category=categories[0],
                            published=published, created_at=arrived, upstream_upvotes=rng.randint(0, 200),
                            organization=rng.choice(orgs) if rng.random() < 0.15 else None))
        people = []
        for entry in record["authors_parsed"]:
            name = " ".join(f"{entry[1]} {entry[0]}".split())
            names.setdefault(author_name_key(name), name)
            people.append(author_name_key(name))
        authors_of.append((people, categories))
    with transaction.atomic():
        Author.objects.bulk_create([Author(name=n, name_key=k) for k, n in names.items()], batch_size=2000)
        author_pk = dict(Author.objects.values_list("name_key", "pk"))
        Paper.objects.bulk_create(papers, batch_size=1000)
        # created_at is auto_now_add: the arrival times are set afterwards.
        pks = dict(Paper.objects.values_list("arxiv_id", "pk"))
        arrived_rows = [Paper(pk=pks[p.arxiv_id], created_at=at) for p, at in zip(papers, arrivals)]
        links, cats, features = [], [], []
        for paper, (people, categories) in zip(papers, authors_of):
            pk = pks[paper.arxiv_id]
            links += [PaperAuthor(paper_id=pk, author_id=author_pk[k], position=n) for n, k in enumerate(dict.fromkeys(people))]
            cats += [PaperCategory(paper_id=pk, code=c, position=n) for n, c in enumerate(dict.fromkeys(categories))]
        for day in range(7):
            on = CUTOFF.date() - timedelta(days=day + 1)
            for paper in rng.sample(papers, FEATURED_PER_DAY):
                features.append(Feature(paper_id=pks[paper.arxiv_id], day=on, source="hf"))
        PaperAuthor.objects.bulk_create(links, batch_size=5000)
        PaperCategory.objects.bulk_create(cats, batch_size=5000)
        Feature.objects.bulk_create(features, batch_size=5000, ignore_conflicts=True)
    Paper.objects.bulk_update(arrived_rows, ["created_at"], batch_size=1000)
    scores = [Paper(pk=f.paper_id, trending_score=rng.random() * 10) for f in features]
    Paper.objects.bulk_update(scores, ["trending_score"], batch_size=1000)
    search_documents_rebuild()

    # Subscribers: things to follow are drawn from what is new today, so most mails have something.
    new = papers[:NEW_TODAY]
    new_authors = [author_pk[k] for people, _c in authors_of[:NEW_TODAY] for k in people]
    new_categories = sorted({c for _p, categories in authors_of[:NEW_TODAY] for c in categories})
    words = Counter(w.lower().strip(".,:;()") for p in new for w in p.title.split() if len(w) > 5)
    common_words = [w for w, _n in words.most_common(60) if w.isalpha()]
    queries = [" ".join(rng.sample(common_words, rng.choice([1, 2, 2, 3]))) for _ in range(SEARCHES)]
    mixes = [
        (35, [("trending", "daily")]),
        (15, [("trending", "daily"), ("author", "daily")]),
        (15, [("category", "daily"), ("trending", "weekly")]),
        (20, [("search", "daily"), ("category", "daily")]),
        (10, [("organization", "daily"), ("trending", "daily")]),
        (5, [("search", "daily"), ("author", "daily"), ("category", "weekly")]),
    ]
    plan = [mix for weight, mix in mixes for _ in range(weight)]
    subscribers = Subscriber.objects.bulk_create(
        [Subscriber(email=f"reader{n:05d}@example.org", confirmed_at=CUTOFF - timedelta(days=30),
                    max_papers=5 if n % 20 == 0 else 20) for n in range(args.subscribers)], batch_size=2000)
    rows = []
    for n, subscriber in enumerate(subscribers):
        for kind, frequency in plan[n % len(plan)]:
            spec = {"kind": kind, "frequency": frequency}
            if kind == "author":
                spec["author"] = rng.choice(new_authors)
            elif kind == "organization":
                spec["organization"] = rng.choice(orgs).pk
            elif kind == "category":
                spec["category"] = rng.choice(new_categories)
            elif kind == "search":
                spec.update(query=rng.choice(queries), category="", mode="hybrid")
            rows.append(Subscription(subscriber=subscriber, kind=kind, frequency=frequency, key=spec_key(spec),
                                     query=spec.get("query", ""), mode=spec.get("mode", ""),
                                     category=spec.get("category", ""), author_id=spec.get("author"),
                                     organization_id=spec.get("organization")))
    Subscription.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    common.report({"seconds": time.perf_counter() - started, "papers": Paper.objects.count(),
                   "new": Paper.objects.filter(created_at__gte=CUTOFF - timedelta(days=1)).count(),
                   "subscribers": Subscriber.objects.count(), "subscriptions": Subscription.objects.count(),
                   "searches": len(set(queries))})


# ==== child: send =================================================================================


def _send(argv: list[str]) -> None:
    import django

    django.setup()
    from paperfeed.digests import sending

    spent: dict[str, float] = defaultdict(float)

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started
        return wrapper

    sending.period_data_build = timed("shared", sending.period_data_build)
    sending.digest_build = timed("digests", sending.digest_build)
    sending.digest_message = timed("render", sending.digest_message)
    started = time.perf_counter()
    report = sending.digests_send(as_of=AS_OF)
    seconds = time.perf_counter() - started
    common.report({"seconds": seconds, "sent": report.sent, "empty": report.empty, "failed": report.failed,
                   "retrying": report.retrying, "peak_kib": common.peak_rss_kib(), **spent})


def _naive(argv: list[str]) -> None:
    """The baseline: per subscriber, ask the catalogue; send with Django's EmailMessage.send()."""
    limit = int(argv[0])
    import django

    django.setup()
    from paperfeed.catalog.models import Paper
    from paperfeed.digests.models import Subscriber
    from paperfeed.lib.emails import make_message
    from paperfeed.search.services import search

    day = CUTOFF.date() - timedelta(days=1)
    start = CUTOFF - timedelta(days=1)
    started = time.perf_counter()
    sent = 0
    for subscriber in Subscriber.objects.order_by("pk")[:limit]:
        chosen: dict[int, str] = {}
        for s in subscriber.subscriptions.all():
            if s.kind == "trending":
                found = Paper.objects.filter(features__day=day).order_by("-trending_score")[:10]
            elif s.kind == "search":
                ids = search(q=s.query, since=(CUTOFF - timedelta(days=POOL_DAYS)).date(), limit=20).paper_ids
                found = Paper.objects.filter(pk__in=ids, created_at__gte=start, created_at__lt=CUTOFF)
            else:
                new = Paper.objects.filter(created_at__gte=start, created_at__lt=CUTOFF)
                found = (new.filter(authorships__author_id=s.author_id) if s.kind == "author" else
                         new.filter(organization_id=s.organization_id) if s.kind == "organization" else
                         new.filter(category_links__code=s.category))
            for paper in found:
                chosen.setdefault(paper.pk, s.kind)
        if not chosen:
            continue
        papers = []
        for paper in Paper.objects.filter(pk__in=list(chosen)[: subscriber.max_papers]):
            names = [a.author.name for a in paper.authorships.select_related("author")[:3]]
            papers.append({"title": paper.title, "url": f"http://127.0.0.1:8000/papers/{paper.arxiv_id}",
                           "arxiv_id": paper.arxiv_id, "authors": names, "summary": paper.abstract[:280],
                           "categories": [], "votes": paper.upvotes, "more_authors": 0, "organization": ""})
        context = {"period": CUTOFF.date(), "sections": [{"title": "Your papers", "papers": papers}],
                   "shown": len(papers), "total": len(chosen), "unsubscribe_url": "http://127.0.0.1:8000/",
                   "manage_url": "", "see_all_url": "", "topics": []}
        make_message("digest", context, to=[subscriber.email]).send()
        sent += 1
    common.report({"seconds": time.perf_counter() - started, "sent": sent, "peak_kib": common.peak_rss_kib()})


# ==== parent ======================================================================================


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--naive-subscribers", type=int, default=500)
    parser.add_argument("--papers", type=int, default=6_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", type=common.database_choice, default=["sqlite"], help="sqlite | postgres | both")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()

    from paperfeed.testing.smtp_server import SmtpSink

    facts = common.machine_facts()
    results: dict[tuple[str, str], list[dict]] = defaultdict(list)
    builds: dict[str, dict] = {}
    loads: list[float] = []
    with common.databases(args.database) as providers, SmtpSink(keep=False) as sink:
        for number in range(1, args.runs + 1):
            for name, provider in providers.items():
                for kind in (NAIVE, PAPERFEED):
                    with provider.fresh() as env:
                        env.update(EMAIL_HOST=sink.host, EMAIL_PORT=str(sink.port))
                        common.migrate(env)
                        build = common.run_child([str(Path(__file__).resolve()), "_build", "--papers", str(args.papers),
                                                  "--subscribers", str(args.subscribers)], env)
                        builds[name] = build
                        loads.append(os.getloadavg()[0])
                        sink.counts.clear()
                        argv = [str(Path(__file__).resolve()), "_naive", str(args.naive_subscribers)] if kind == NAIVE else [str(Path(__file__).resolve()), "_send"]
                        result = common.run_child(argv, env)
                        result["delivered"] = sum(sink.counts.values())
                        result["once"] = all(n == 1 for n in sink.counts.values())
                        results[(name, kind)].append(result)
                        _say(f"run {number}/{args.runs} [{name}] {kind}: {result['sent']:,} mails in "
                             f"{result['seconds']:.1f}s ({result['sent'] / result['seconds']:,.0f}/s), "
                             f"peak {result['peak_kib'] / 1024:,.0f} MiB, delivered {result['delivered']:,}")
    text = render(args, providers_names=list(builds), results=results, builds=builds, facts=facts, loads=loads)
    print(text)
    if args.write_docs:
        common.write_docs_section(SCRIPT, text)


def render(args, *, providers_names, results, builds, facts, loads) -> str:
    rows, parts = [], []
    for name in providers_names:
        naive = common.summarize([r["sent"] / r["seconds"] for r in results[(name, NAIVE)]])
        for kind in (NAIVE, PAPERFEED):
            runs = results[(name, kind)]
            rate = common.summarize([r["sent"] / r["seconds"] for r in runs])
            seconds = common.summarize([r["seconds"] for r in runs])
            peak = common.summarize([r["peak_kib"] for r in runs])
            label = (f"naive per-recipient loop (baseline), {args.naive_subscribers:,} subscribers" if kind == NAIVE
                     else f"`digests_send`, {args.subscribers:,} subscribers")
            rows.append([name, label, f"{runs[0]['sent']:,}", f"{seconds.median:,.1f}", common.fmt_spread(seconds, lambda v: f"{v:,.1f}"),
                         f"{rate.median:,.0f}", "baseline" if kind == NAIVE else common.fmt_ratio(rate.median / naive.median),
                         common.fmt_mib(peak.median), "yes" if all(r["once"] for r in runs) else "NO"])
            if kind == PAPERFEED:
                median = lambda key: common.summarize([r.get(key, 0.0) for r in runs]).median  # noqa: E731
                rest = seconds.median - median("shared") - median("digests") - median("render")
                parts.append([name, f"{median('shared'):,.2f}", f"{median('digests'):,.2f}", f"{median('render'):,.1f}",
                              f"{rest:,.1f}"])
    table = common.markdown_table(["database", "what", "mails", "seconds", "min–max", "mails/s", "vs baseline",
                                   "peak RSS MiB", "each once"], rows, "llrrrrrrl")
    split = common.markdown_table(["database", "shared part s (once)", "per-recipient digests s", "render s",
                                   "SMTP and delivery records s"], parts, "lrrrr")
    build = next(iter(builds.values()))
    load = common.summarize(loads)
    return f"""\
{common.section_header("Email digests (`bench/digests.py`)", facts)}

What is measured: `digests_send` (what `paperfeed digests send` and the schedule run) for a day's mails of
{args.subscribers:,} confirmed subscribers with mixed subscriptions (trending daily or weekly, followed authors,
organisations and categories, {build['searches']} distinct saved searches; 5% capped at 5 papers), from planning
to the last mail accepted by an aiosmtpd SMTP server on 127.0.0.1 (in the benchmark's parent process, sharing the
machine's {os.cpu_count()} cores): the exactly-once state machine included (a claim, a commit before each
end-of-data, a record per paper). The catalogue: {build['papers']:,} synthetic papers (real titles, abstracts and
authors of `{SAMPLE}` recombined) published over four weeks, {build['new']:,} of them new in the day before the
cutoff, {FEATURED_PER_DAY} featured a day with trending scores; {build['subscriptions']:,} subscriptions.
**Baseline**: a naive loop over the first {args.naive_subscribers:,} of the same subscribers that queries the
catalogue per subscription, per paper for its authors, and sends each mail with Django's `EmailMessage.send()`
(a connection per mail, no delivery record). **each once**: every recipient got exactly one mail. Each figure is
the median of {args.runs} run(s), each in a fresh process on a fresh database; peak RSS is the sending process's.
Other benchmarks may share this machine: the 1-minute load average was {load.median:.2f} (median,
{load.low:.2f}–{load.high:.2f}) as the measurements started.

{table}

Where `digests_send`'s time goes (medians): the shared part (the period's new and featured papers with their
authors and categories, and each distinct saved search, read once), every recipient's digest cut from it in
memory, rendering the text and HTML parts, and the rest: SMTP and the delivery rows.

{split}
"""


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("_build", "_send", "_naive"):
        {"_build": _build, "_send": _send, "_naive": _naive}[sys.argv[1]](sys.argv[2:])
    else:
        main()
