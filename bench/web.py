"""Web speed: requests per second and latency of the pages under a production server.

For each catalogue size N (default 10,000 and 100,000 papers) and database:

  * builds the catalogue in a fresh, migrated database, fast: N synthetic
    papers shaped like real ones (titles, abstracts, authors, categories and
    versions recombined from the real records of the shared fixture
    arxiv-metadata-sample, by bench/_common.py), written with bulk_create.
    Every fifth paper is featured, 50 a weekday, on the weekdays up to today
    (so a day page lists 50 papers whatever N; N only changes how far back
    the lists go), with Hugging Face upvotes, an organisation for some, AI
    summaries and keywords, and local votes by 500 users; the others are
    spread over the same weeks as "new on arXiv". Then trending_refresh();
  * serves it with `paperfeed serve --workers W` (gunicorn, as `bin/up` does)
    on 127.0.0.1;
  * drives it from a separate load process (asyncio, C concurrent
    connections, kept alive when the server allows it) for T seconds per
    page, after a second of warm-up that is not counted: the home page (the
    latest day, 50 papers), a week page, a month page, the paper page (a random
    paper of the catalogue each request), the trending page, Django's admin
    login page (a small Django page, for scale), and the baseline, a static
    file (site.css, served by WhiteNoise through the same gunicorn and Django
    stack): the ceiling of the stack, so "vs static file" shows what our
    pages cost on top of it;
  * repeats that --runs times, pages interleaved, and reports medians.

Anonymous requests only (a logged-in page adds one EXISTS subquery per list).
Prints a markdown table; --write-docs also replaces this script's section of
docs/benchmarks.md. --profile instead renders each page in-process with
Django's test client at the largest size and prints query counts, SQL time
and where the time of the slowest page goes (cProfile).

Run from the repository root, e.g.
  .venv/bin/python bench/web.py --write-docs
  .venv/bin/python bench/web.py --sizes 10000 --runs 1 --duration 3
  .venv/bin/python bench/web.py --database both --write-docs
  .venv/bin/python bench/web.py --profile --sizes 100000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date, datetime, time as dtime, timedelta, timezone
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common as common  # noqa: E402

SCRIPT = "bench/web.py"
SAMPLE = "arxiv-metadata-sample/kaggle-arxiv-metadata-oai-snapshot.head200.jsonl"

FEATURED_EVERY = 5  # one paper in five is on a daily list
PER_DAY = 50  # papers on each weekday's list
USERS = 500
ORGANIZATIONS = 40
PAPER_PATHS = 2_000  # the paper page picks one of these at random per request
WARM_SECONDS = 4.0  # per page, once per server, before the runs

STATIC, ADMIN, HOME, WEEK, MONTH, PAPER, TRENDING = "static", "admin", "home", "week", "month", "paper", "trending"
PAGES = (STATIC, ADMIN, HOME, WEEK, MONTH, PAPER, TRENDING)


# ==== child: build the catalogue ==============================================================


def _build(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog=f"{SCRIPT} _build", description="build a catalogue (internal)")
    parser.add_argument("size", type=int)
    parser.add_argument("--seed", type=int, required=True)
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone as dj_timezone

    from paperfeed.catalog.models import (
        Author,
        Feature,
        Organization,
        Paper,
        PaperAuthor,
        PaperCategory,
        Vote,
        author_name_key,
    )
    from paperfeed.catalog.periods import Period
    from paperfeed.catalog.trending import trending_refresh
    from paperfeed.testing import shared_fixtures_dir

    started = time.perf_counter()
    rng = random.Random(args.seed)
    size = args.size
    today = dj_timezone.now().date()
    featured_total = (size + FEATURED_EVERY - 1) // FEATURED_EVERY
    weekdays: list[date] = []  # newest first
    day = today
    while len(weekdays) * PER_DAY < featured_total:
        if day.weekday() < 5:
            weekdays.append(day)
        day -= timedelta(days=1)
    oldest = weekdays[-1]
    span = (today - oldest).days + 1

    def moment(on: date) -> datetime:
        return datetime.combine(on, dtime(rng.randint(0, 23), rng.randint(0, 59)), tzinfo=timezone.utc)

    orgs = Organization.objects.bulk_create(
        [Organization(name=f"lab-{n:02d}", full_name=f"Research Lab {n:02d}") for n in range(ORGANIZATIONS)]
    )
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"reader{n:03d}", password="!") for n in range(USERS)]
    )

    papers: list[Paper] = []
    authors_of: list[list[tuple[str, str, str]]] = []  # (key, name, affiliation) per paper
    categories_of: list[list[str]] = []
    feature_of: dict[int, date] = {}
    votes_of: dict[int, int] = {}
    names: dict[str, str] = {}
    for i, line in enumerate(common.synthetic_snapshot_lines(shared_fixtures_dir() / SAMPLE, size, seed=args.seed)):
        record = json.loads(line)
        featured = i % FEATURED_EVERY == 0
        if featured:
            on = weekdays[(i // FEATURED_EVERY) // PER_DAY]
            published = moment(on - timedelta(days=1))
            feature_of[i] = on
        else:
            published = moment(oldest + timedelta(days=rng.randrange(span)))
        versions = [
            {"v": n + 1, "submitted": (published + timedelta(days=30 * n)).isoformat()}
            for n in range(len(record["versions"]))
        ]
        abstract = " ".join(record["abstract"].split())
        title = " ".join(record["title"].split())
        categories = record["categories"].split()
        paper = Paper(
            arxiv_id=record["id"],
            version=len(versions),
            versions=versions,
            title=title,
            abstract=abstract,
            primary_category=categories[0],
            published=published,
            updated=published + timedelta(days=30 * (len(versions) - 1)),
            doi=record["doi"] or "",
            journal_ref=record["journal-ref"] or "",
            comment=record["comments"] or "",
            license=record["license"] or "",
        )
        if featured:
            words = [w.strip(".,:;()$") for w in title.split() if len(w) > 4]
            paper.upstream_upvotes = min(600, int(rng.paretovariate(1.1) * 3))
            paper.ai_summary = abstract.split(". ")[0][:300]
            paper.ai_keywords = list(dict.fromkeys(w.lower() for w in words if w))[:6]
            paper.num_comments = rng.randint(0, 6)
            paper.hf_discussion_id = f"{rng.getrandbits(96):024x}"
            paper.observed_at = published
            if rng.random() < 0.3:
                paper.organization = rng.choice(orgs)
            if rng.random() < 0.4:
                paper.code_url = f"https://github.com/lab/{record['id'].replace('/', '-')}"
                paper.github_stars = int(rng.paretovariate(1.0) * 5)
            votes_of[i] = min(USERS, int(rng.paretovariate(1.2)) - 1)
            paper.upvotes = votes_of[i]
        papers.append(paper)
        people = []
        for entry in record["authors_parsed"]:
            name = " ".join(f"{entry[1]} {entry[0]}".split())
            key = author_name_key(name)
            names.setdefault(key, name)
            people.append((key, name, entry[3] if len(entry) > 3 else ""))
        authors_of.append(people)
        categories_of.append(categories)

    with transaction.atomic():
        Author.objects.bulk_create([Author(name=name, name_key=key) for key, name in names.items()], batch_size=2000)
        author_pk = dict(Author.objects.values_list("name_key", "pk"))
        Paper.objects.bulk_create(papers, batch_size=1000)
        paper_pk = dict(Paper.objects.values_list("arxiv_id", "pk"))
        pks = [paper_pk[p.arxiv_id] for p in papers]
        authorships, links = [], []
        for i, pk in enumerate(pks):
            seen = set()
            for position, (key, _name, affiliation) in enumerate(authors_of[i]):
                seen.add(key)
                authorships.append(
                    PaperAuthor(paper_id=pk, author_id=author_pk[key], position=position, affiliation=affiliation)
                )
            links.extend(PaperCategory(paper_id=pk, code=c, position=n) for n, c in enumerate(categories_of[i]))
        PaperAuthor.objects.bulk_create(authorships, batch_size=5000)
        PaperCategory.objects.bulk_create(links, batch_size=5000)
        Feature.objects.bulk_create(
            [
                Feature(paper_id=pks[i], day=on, featured_at=datetime.combine(on, dtime(6), tzinfo=timezone.utc),
                        source="hf", submitter_handle="akhaliq", submitter_name="AK")
                for i, on in feature_of.items()
            ],
            batch_size=5000,
        )  # fmt: skip
        votes = [Vote(user=user, paper_id=pks[i]) for i, n in votes_of.items() for user in rng.sample(users, n)]
        Vote.objects.bulk_create(votes, batch_size=5000)
    changed = trending_refresh()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # what autovacuum does shortly after a bulk load
            cursor.execute("ANALYZE")

    week = Period.of_week(weekdays[min(len(weekdays) - 1, 15)])  # a full week, three weeks back
    month = Period.of_month(today.replace(day=1) - timedelta(days=1))  # last month
    home = Period.of_day(weekdays[0])

    def featured_in(period) -> int:
        return Paper.objects.filter(features__day__gte=period.start, features__day__lt=period.end).distinct().count()

    sample = rng.sample([p.arxiv_id for p in papers], min(PAPER_PATHS, len(papers)))
    common.report({
        "seconds": time.perf_counter() - started,
        "counts": {
            "papers": Paper.objects.count(),
            "authors": Author.objects.count(),
            "authorships": PaperAuthor.objects.count(),
            "categories": PaperCategory.objects.count(),
            "features": Feature.objects.count(),
            "votes": Vote.objects.count(),
            "trending": Paper.objects.filter(trending_score__gt=0).count(),
            "trending_changed": changed,
        },
        "days": [weekdays[-1].isoformat(), weekdays[0].isoformat(), len(weekdays)],
        "paths": {
            STATIC: ["/static/paperfeed/site.css"],
            ADMIN: ["/admin/login/"],
            HOME: ["/"],
            WEEK: [f"/papers/week/{week.slug}"],
            MONTH: [f"/papers/month/{month.slug}"],
            PAPER: [f"/papers/{arxiv_id}" for arxiv_id in sample],
            TRENDING: ["/papers/trending"],
        },
        "listed": {
            HOME: featured_in(home),
            WEEK: featured_in(week),
            MONTH: featured_in(month),
            TRENDING: Paper.objects.filter(trending_score__gt=0).count(),
        },
        "labels": {HOME: home.label, WEEK: week.label, MONTH: month.label},
    })  # fmt: skip


# ==== child: the load process =====================================================================


async def _one_connection(host: str, port: int, paths: list[str], rng: random.Random, counting_from: float,
                          until: float, latencies: list[float], statuses: Counter, nbytes: list[int]) -> None:
    reader = writer = None
    while True:
        started = time.perf_counter()
        if started >= until:
            break
        path = paths[rng.randrange(len(paths))]
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: paperfeed-bench\r\n"
            "Accept: text/html,*/*;q=0.8\r\nAccept-Encoding: gzip\r\n\r\n"
        ).encode()
        status, size = "error", 0
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(request)
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 60)
            lines = head.decode("latin-1").split("\r\n")
            status = lines[0].split(" ", 2)[1]
            headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
            if "content-length" in headers:
                body = await asyncio.wait_for(reader.readexactly(int(headers["content-length"])), 60)
                size = len(body)
            else:  # read to the end of the connection
                size = len(await asyncio.wait_for(reader.read(), 60))
                headers["connection"] = "close"
            if headers.get("connection", "").lower() == "close" or lines[0].startswith("HTTP/1.0"):
                writer.close()
                reader = writer = None
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError, ValueError,
                IndexError) as exc:
            status = f"error: {type(exc).__name__}"
            if writer is not None:
                writer.close()
            reader = writer = None
        finished = time.perf_counter()
        if counting_from <= finished <= until:  # completions within the window: the throughput
            latencies.append(finished - started)
            statuses[status] += 1
            nbytes.append(size)
    if writer is not None:
        writer.close()


def _load(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog=f"{SCRIPT} _load", description="drive a server (internal)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--paths-file", required=True)
    parser.add_argument("--concurrency", type=int, required=True)
    parser.add_argument("--duration", type=float, required=True)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    paths = json.loads(Path(args.paths_file).read_text())

    latencies: list[float] = []
    statuses: Counter = Counter()
    nbytes: list[int] = []
    cpu_before = time.process_time()

    async def main() -> float:
        start = time.perf_counter()
        counting_from = start + args.warmup
        until = counting_from + args.duration
        await asyncio.gather(*(
            _one_connection(args.host, args.port, paths, random.Random(args.seed * 1000 + n), counting_from, until,
                            latencies, statuses, nbytes)
            for n in range(args.concurrency)
        ))  # fmt: skip
        return time.perf_counter() - start

    wall = asyncio.run(main())
    latencies.sort()

    def quantile(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else float("nan")

    ok = statuses.get("200", 0)
    common.report({
        "requests": len(latencies),
        "ok": ok,
        "statuses": dict(statuses),
        "rps": ok / args.duration,
        "p50_ms": quantile(0.50),
        "p90_ms": quantile(0.90),
        "p99_ms": quantile(0.99),
        "max_ms": latencies[-1] * 1000 if latencies else float("nan"),
        "mean_bytes": sum(nbytes) / len(nbytes) if nbytes else 0,
        "client_cpu": (time.process_time() - cpu_before) / wall,
    })  # fmt: skip


# ==== child: profile the pages in-process ===========================================================


def _profile_child(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog=f"{SCRIPT} _profile", description="profile pages (internal)")
    parser.add_argument("--paths-json", required=True)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args(argv)

    import cProfile
    import pstats

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("collectstatic", interactive=False, verbosity=0)  # as `paperfeed serve` does

    paths = json.loads(Path(args.paths_json).read_text())
    client = Client(HTTP_HOST="127.0.0.1")  # an allowed host, as the server sees it
    timings = {}
    for page in PAGES:
        chosen = paths[page][: args.requests] if page == PAPER else paths[page] * args.requests
        for path in chosen[:3]:
            assert client.get(path).status_code == 200, path  # warm: templates, connections
        started = time.perf_counter()
        sql_ms, queries = 0.0, 0
        for path in chosen:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            queries += len(captured)
            sql_ms += sum(float(q["time"]) for q in captured.captured_queries) * 1000
        per = (time.perf_counter() - started) / len(chosen) * 1000
        timings[page] = per
        print(f"{page:9} {per:8.1f} ms a request, {queries / len(chosen):5.1f} queries, "
              f"{sql_ms / len(chosen):8.1f} ms of SQL   ({chosen[0]})")
    slowest = sorted((p for p in PAGES if p != STATIC), key=timings.get, reverse=True)[:2]
    for page in slowest:
        chosen = paths[page][: args.requests] if page == PAPER else paths[page] * args.requests
        profiler = cProfile.Profile()
        profiler.enable()
        for path in chosen:
            client.get(path)
        profiler.disable()
        print(f"\n### {page}: {len(chosen)} requests under cProfile\n")
        stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
        stats.sort_stats("cumulative").print_stats(25)
        stats.sort_stats("tottime").print_stats(15)
        with CaptureQueriesContext(connection) as captured:
            client.get(chosen[0])
        print(f"### {page}: the slowest queries of one request\n")
        for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:5]:
            print(f"{float(query['time']) * 1000:8.1f} ms  {query['sql'][:600]}\n")


# ==== parent: the server ===============================================================================


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`paperfeed serve` on 127.0.0.1 (gunicorn, `workers` processes)."""

    def __init__(self, env: dict[str, str], workers: int, log: Path):
        self.port = _free_port()
        self.log = open(log, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "paperfeed", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--workers", str(workers)],
            cwd=common.REPO_DIR, env=env, stdout=subprocess.DEVNULL, stderr=self.log,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"paperfeed serve exited with {self.process.returncode}: {log.read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"paperfeed serve did not listen within 120 s: {log.read_text()[-2000:]}")

    def rss_kib(self) -> int:
        """Resident memory of the master and its workers."""
        total = 0
        pids = [self.process.pid]
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
            pids += [int(pid) for pid in children]
            for pid in pids:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            return 0
        return total

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Bench:
    def __init__(self, args: argparse.Namespace, workdir: Path):
        self.args = args
        self.workdir = workdir
        # results[(database, size, page)] = [load result, ...]
        self.results: dict[tuple, list[dict]] = defaultdict(list)
        self.builds: dict[tuple, dict] = {}
        self.rss: dict[tuple, int] = {}
        self.loadavg: list[float] = []  # 1-minute load average as each measurement started

    def build(self, env: dict[str, str], size: int) -> dict:
        common.migrate(env)
        return common.run_child([str(Path(__file__).resolve()), "_build", str(size), "--seed", str(self.args.seed)], env)

    def load(self, port: int, paths_file: Path, duration: float, warmup: float) -> dict:
        argv = [
            str(Path(__file__).resolve()), "_load", "--port", str(port), "--paths-file", str(paths_file),
            "--concurrency", str(self.args.concurrency), "--duration", str(duration), "--warmup", str(warmup),
        ]  # fmt: skip
        return common.run_child(argv, {**common.base_env(), "PAPERFEED_DATA_DIR": str(self.workdir)})

    def run(self, providers: dict) -> None:
        """Every catalogue is built and served at once, so that each run can go over all of
        them, pages and catalogues interleaved: a change in the machine's load over the
        benchmark then touches every figure alike, not one catalogue or database."""
        args = self.args
        with contextlib.ExitStack() as stack:
            targets = []
            for provider in providers.values():
                for size in args.sizes:
                    env = stack.enter_context(provider.fresh())
                    _say(f"[{provider.name}] building a catalogue of {size:,} papers ...")
                    build = self.build(env, size)
                    data_dir = Path(env["PAPERFEED_DATA_DIR"])
                    if (data_dir / "paperfeed.sqlite3").exists():
                        build["database_mb"] = sum(f.stat().st_size for f in data_dir.glob("paperfeed.sqlite3*")) / 1e6
                    self.builds[(provider.name, size)] = build
                    _say(f"  built in {build['seconds']:.1f}s: {build['counts']}")
                    paths = {}
                    for page in PAGES:
                        paths[page] = self.workdir / f"paths-{provider.name}-{size}-{page}.json"
                        paths[page].write_text(json.dumps(build["paths"][page]))
                    server = Server(env, args.workers, self.workdir / f"server-{provider.name}-{size}.log")
                    stack.callback(server.stop)  # before the database goes
                    targets.append((provider.name, size, server, paths))
            # Warm every worker (each imports the views and compiles the templates on its
            # first request, about a second of CPU): not measured.
            for _name, _size, server, paths in targets:
                for page in PAGES:
                    self.load(server.port, paths[page], WARM_SECONDS, 0.0)
            for number in range(1, args.runs + 1):
                for name, size, server, paths in targets:
                    for page in PAGES:
                        self.loadavg.append(os.getloadavg()[0])
                        result = self.load(server.port, paths[page], args.duration, 1.0)
                        self.results[(name, size, page)].append(result)
                        _say(f"  run {number}/{args.runs} [{name} {size:,}] {page:9} {result['rps']:8,.0f} req/s  "
                             f"p50 {result['p50_ms']:7.1f} ms  p99 {result['p99_ms']:7.1f} ms  {result['statuses']}")
            for name, size, server, _paths in targets:
                self.rss[(name, size)] = server.rss_kib()

    def profile(self, providers: dict) -> None:
        size = self.args.sizes[-1]
        for provider in providers.values():
            with provider.fresh() as env:
                build = self.build(env, size)
                _say(f"[{provider.name}] built {size:,} papers in {build['seconds']:.1f}s")
                paths_json = self.workdir / "paths.json"
                paths_json.write_text(json.dumps(build["paths"]))
                print(f"\n## {provider.name}, {size:,} papers: pages rendered in-process (Django test client)\n")
                sys.stdout.flush()
                subprocess.run(
                    [sys.executable, str(Path(__file__).resolve()), "_profile", "--paths-json", str(paths_json)],
                    cwd=common.REPO_DIR, env={**env, "DEBUG": "false"}, check=True,
                )  # fmt: skip


# ==== the report ========================================================================================

LABELS = {
    STATIC: "static file, site.css (baseline)",
    ADMIN: "Django admin login page",
    HOME: "home: the latest day",
    WEEK: "week page",
    MONTH: "month page",
    PAPER: "paper page, random paper",
    TRENDING: "trending",
}


def _ms(value: float) -> str:
    return f"{value:,.1f}"


def render(bench: Bench, providers: dict, facts: dict[str, str]) -> str:
    args, results = bench.args, bench.results
    sizes = args.sizes
    rows = []
    for database in providers:
        for size in sizes:
            build = bench.builds[(database, size)]
            for page in PAGES:
                runs = results[(database, size, page)]
                rps = common.summarize([r["rps"] for r in runs])
                p50 = common.summarize([r["p50_ms"] for r in runs]).median
                p99 = common.summarize([r["p99_ms"] for r in runs]).median
                errors = sum(r["requests"] - r["ok"] for r in runs)
                static = common.summarize([r["rps"] for r in results[(database, size, STATIC)]]).median
                smallest = common.summarize([r["rps"] for r in results[(database, sizes[0], page)]]).median
                listed = build["listed"].get(page)
                label = LABELS[page]
                if page in (HOME, WEEK, MONTH):
                    label += f" ({build['labels'][page]}, {listed:,} papers, 50 shown)"
                elif page == TRENDING:
                    label += f" ({listed:,} papers, 50 shown)"
                elif page == PAPER:
                    label += f" (of {len(build['paths'][PAPER]):,})"
                rows.append([
                    database, common.fmt_int(size), label, common.fmt_int(rps.median), common.fmt_spread(rps),
                    _ms(p50), _ms(p99), f"{errors:,}",
                    "baseline" if page == STATIC else common.fmt_ratio(rps.median / static),
                    "" if size == sizes[0] else common.fmt_ratio(rps.median / smallest),
                    f"{common.summarize([r['mean_bytes'] for r in runs]).median / 1024:,.1f}",
                    f"{common.summarize([r['client_cpu'] for r in runs]).median:.0%}",
                ])
    speed = common.markdown_table(
        ["database", "papers", "page", "req/s", "min–max", "p50 ms", "p99 ms", "errors", "vs static file",
         f"vs {sizes[0]:,} papers", "KiB", "load CPU"],
        rows, "lrlrrrrrrrrr",
    )  # fmt: skip

    build_rows = []
    for database in providers:
        for size in sizes:
            build = bench.builds[(database, size)]
            counts = build["counts"]
            first, last, weekdays = build["days"]
            build_rows.append([
                database, common.fmt_int(counts["papers"]), common.fmt_int(counts["authors"]),
                common.fmt_int(counts["authorships"]), common.fmt_int(counts["features"]),
                f"{weekdays:,} weekdays, {first} to {last}", common.fmt_int(counts["votes"]),
                f"{build['database_mb']:,.0f}" if "database_mb" in build else "–",
                f"{build['seconds']:,.0f}", common.fmt_mib(bench.rss.get((database, size), 0)),
            ])  # fmt: skip
    catalogue = common.markdown_table(
        ["database", "papers", "authors", "authorships", "featured", "daily lists", "votes", "SQLite MB",
         "build s", f"server RSS MiB ({args.workers} workers)"],
        build_rows, "lrrrrlrrrr",
    )  # fmt: skip

    return f"""\
{common.section_header("Web pages (`bench/web.py`)", facts)}

What is measured: requests per second and latency of the pages under the production server, `paperfeed serve
--workers {args.workers}` (gunicorn {_gunicorn_version()}, sync workers, which answer `Connection: close`, so the
load process opens a new connection per request), on 127.0.0.1, driven by a separate load process (Python asyncio)
with {args.concurrency} concurrent connections for {args.duration:g} s per page after 1 s of warm-up, anonymous
requests. Each figure is the median of {args.runs} run(s); every catalogue is served at once (one server each)
and each run goes over all catalogues and pages in turn, so that changes in the machine's load spread over every
figure alike. The workers were first warmed with {WARM_SECONDS:g} s of each page (a worker's first request imports
the views and compiles the templates). min–max is the spread of req/s over the runs. req/s counts the 200 answers
completed within the measured seconds; p50 and p99 are their latencies as the client saw them (queueing for a free
worker included); errors counts any other answer or failure. **KiB**: mean body size (the client accepts gzip,
which WhiteNoise serves for the static file; Django pages are not compressed). **load CPU**: CPU time of the load
process ÷ wall time: load generator and server share the machine's {os.cpu_count()} cores.

- **static file (baseline)**: `/static/paperfeed/site.css`, served by WhiteNoise through the same gunicorn and Django
  middleware: the ceiling of the stack on this machine. **vs static file** = the page's req/s ÷ the baseline's, in
  the same run and catalogue.
- **Django admin login page**: `/admin/login/`, a small page Django renders from its own template with a form and a
  CSRF token, no query: what any Django page costs here, for scale.
- **home**: `/`, the latest day with a daily list (50 papers); **week**, **month**: a full ISO week three weeks back
  and last month (`/papers/week/…`, `/papers/month/…`, 50 papers a page of the whole period, sorted by trending
  score, then votes, with the category chips of the whole period); **paper page**: `/papers/<id>` of a random paper
  among {PAPER_PATHS:,} drawn from the whole catalogue, each request; **trending**: `/papers/trending`.
- **vs {sizes[0]:,} papers**: the same page's req/s at this catalogue size ÷ at {sizes[0]:,} papers (the lists show as
  many papers whatever the size: only the tables behind them grow).
- The catalogue (built by `bench/web.py` with bulk_create, not timed): N synthetic papers from `bench/_common.py`'s
  generator (real titles, abstracts, authors and categories of `{SAMPLE}` recombined), one in
  {FEATURED_EVERY} featured, {PER_DAY} on each weekday's list up to today, with Hugging Face upvotes, organisations,
  AI summaries and keywords, {USERS} users' votes; `trending_refresh()` afterwards. PostgreSQL is `ANALYZE`d
  after the load (as autovacuum would); SQLite is not (paperfeed never runs `ANALYZE`).

{speed}

The catalogues:

{catalogue}
"""


def _gunicorn_version() -> str:
    try:
        from importlib.metadata import version

        return version("gunicorn")
    except Exception:  # noqa: BLE001 — only a label
        return "?"


# ==== command line ========================================================================================


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = common.script_parser(SCRIPT, __doc__)
    cores = os.cpu_count() or 1
    parser.add_argument("--sizes", type=common.sizes_arg(FEATURED_EVERY * PER_DAY, f"at least {FEATURED_EVERY * PER_DAY:,} (one daily list)"), default=[10_000, 100_000], metavar="N,N,...",
                        help="catalogue sizes in papers (default 10000,100000)")
    parser.add_argument("--runs", type=common.positive_int, default=3, metavar="R",
                        help="runs per page; the table shows the median (default 3)")
    parser.add_argument("--duration", type=float, default=10.0, metavar="SECONDS",
                        help="measured seconds per page and run (default 10)")
    parser.add_argument("--concurrency", type=common.positive_int, default=2 * (2 * cores + 1), metavar="C",
                        help="concurrent connections of the load process (default twice the workers)")
    parser.add_argument("--workers", type=common.positive_int, default=2 * cores + 1, metavar="W",
                        help="gunicorn workers (default 2 × cores + 1, gunicorn's advice)")
    parser.add_argument("--database", type=common.database_choice, default=["sqlite"],
                        metavar="{sqlite,postgres,both}", help="which database(s) to measure (default sqlite)")
    parser.add_argument("--seed", type=int, default=20070402, help="seed of the synthetic catalogue")
    parser.add_argument("--write-docs", action="store_true",
                        help=f"replace this script's section of {common.DOCS_FILE.relative_to(common.REPO_DIR)}")
    parser.add_argument("--profile", action="store_true",
                        help="instead of the benchmark: render each page in-process at the largest size and "
                        "print query counts, SQL time and a cProfile of the slowest pages")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    children = {"_build": _build, "_load": _load, "_profile": _profile_child}
    if argv[:1] and argv[0] in children:
        children[argv[0]](argv[1:])
        return
    args = parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="paperfeed-bench-web-") as workdir:
        bench = Bench(args, Path(workdir))
        with common.databases(args.database) as providers:
            if args.profile:
                bench.profile(providers)
                return
            extra = {"gunicorn workers": str(args.workers), "connections": str(args.concurrency)}
            if "postgres" in providers:
                extra["PostgreSQL"] = providers["postgres"].version()
            facts = common.machine_facts(extra)
            bench.run(providers)
        if bench.loadavg:
            facts["load average during the measurements"] = (
                f"median {common.summarize(bench.loadavg).median:.2f}, max {max(bench.loadavg):.2f}"
            )
        facts["load average at end"] = f"{os.getloadavg()[0]:.2f}"
        facts["benchmark wall time"] = f"{(time.perf_counter() - started) / 60:.1f} min"
        text = render(bench, providers, facts)
    print(text)
    _say(f"benchmark took {time.perf_counter() - started:,.0f}s")
    if args.write_docs:
        path = common.write_docs_section(SCRIPT, text)
        _say(f"wrote {path.relative_to(common.REPO_DIR)}")


if __name__ == "__main__":
    main()
