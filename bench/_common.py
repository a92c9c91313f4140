"""Helpers shared by the benchmark scripts in bench/.

What every benchmark here does the same way:

* each measurement runs in a fresh child process (`run_child`), so the child's
  peak RSS (`peak_rss_kib`) belongs to that one measurement alone;
* each run gets a fresh, migrated database (`databases`): an SQLite file in a
  temporary PAPERFEED_DATA_DIR, or a new database on one throwaway PostgreSQL
  server started for the whole benchmark;
* results are the median of several runs, shown with their min-max spread
  (`summarize`), and ratios are taken against a baseline measured in the same
  invocation;
* the script prints a markdown table and, with --write-docs, replaces its own
  section of docs/benchmarks.md (`write_docs_section`), headed by the exact
  command line, the date and the machine facts (`machine_facts`). Numbers in
  that file are only ever written by the scripts.

Also here: `synthetic_snapshot_lines`, a deterministic generator of arXiv
metadata snapshot records (Kaggle JSON lines) shaped like the real sample in
the shared fixtures, for any benchmark that needs a large catalogue.
"""

from __future__ import annotations

import argparse

import contextlib
import json
import os
import platform
import random
import re
import resource
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
DOCS_FILE = REPO_DIR / "docs" / "benchmarks.md"
RESULT_MARK = "BENCH-RESULT "

DOCS_INTRO = """\
# Benchmarks

Measured speed of paperfeed, one section per script in `bench/`. What each
section measures, and how, is written at the top of the section.

Every number below is produced by the script named in its section; nothing
is typed by hand. Rerun the command shown to refresh a section (the script
replaces its own section between its `<!-- ... start -->` and
`<!-- ... end -->` markers and leaves the rest of this file alone). Numbers
are medians of several runs with their min-max spread; ratios compare with a
baseline measured in the same invocation, on the same machine.
"""


# --- environment and databases -------------------------------------------------


def base_env() -> dict[str, str]:
    """The environment of a child: paperfeed settings, quiet, no stray DATABASE_URL."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="paperfeed.settings",
        SECRET_KEY=env.get("SECRET_KEY") or "benchmark-secret-key-not-for-production",
        DEBUG="false",  # DEBUG on would keep every query in memory
        PAPERFEED_LOG_LEVEL="ERROR",
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONPATH=os.pathsep.join(p for p in (str(REPO_DIR), env.get("PYTHONPATH", "")) if p),
    )
    return env


class _SQLite:
    name = "sqlite"

    def version(self) -> str:
        return sqlite3.sqlite_version

    @contextlib.contextmanager
    def fresh(self) -> Iterator[dict[str, str]]:
        data_dir = Path(tempfile.mkdtemp(prefix="paperfeed-bench-"))
        try:
            env = base_env()
            env["PAPERFEED_DATA_DIR"] = str(data_dir)
            env["DATABASE_URL"] = f"sqlite:///{data_dir / 'paperfeed.sqlite3'}"
            yield env
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)


class _Postgres:
    """One throwaway server for the whole benchmark, a new database per run."""

    name = "postgres"

    def __init__(self, url: str, data_dir: Path):
        import psycopg

        self.psycopg = psycopg
        self.url = url
        self.data_dir = data_dir
        self.admin_url = re.sub(r"/[^/]*$", "/postgres", url)
        self.counter = 0

    def version(self) -> str:
        with self.psycopg.connect(self.admin_url) as conn:
            return conn.execute("SHOW server_version").fetchone()[0]

    @contextlib.contextmanager
    def fresh(self) -> Iterator[dict[str, str]]:
        self.counter += 1
        name = f"bench_{os.getpid()}_{self.counter}"
        with self.psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            env = base_env()
            env["PAPERFEED_DATA_DIR"] = str(self.data_dir)
            env["DATABASE_URL"] = re.sub(r"/[^/]*$", f"/{name}", self.url)
            yield env
        finally:
            with self.psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def databases(names: Sequence[str]) -> Iterator[dict[str, object]]:
    """Yield {name: provider} for "sqlite" and/or "postgres"; `provider.fresh()` gives a child env.

    PostgreSQL is started once (paperfeed.testing.postgres) and removed at the end.
    """
    with contextlib.ExitStack() as stack:
        providers: dict[str, object] = {}
        for name in names:
            if name == "sqlite":
                providers[name] = _SQLite()
            elif name == "postgres":
                from paperfeed.testing.postgres import postgres_server

                url = stack.enter_context(postgres_server())
                data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="paperfeed-bench-")))
                providers[name] = _Postgres(url, data_dir)
            else:
                raise ValueError(f"unknown database {name!r}")
        yield providers


def database_choice(value: str) -> list[str]:
    """argparse helper: sqlite | postgres | both -> list of names."""
    return {"sqlite": ["sqlite"], "postgres": ["postgres"], "both": ["sqlite", "postgres"]}[value]


def migrate(env: dict[str, str]) -> None:
    """`paperfeed migrate` into the fresh database (never part of a timing)."""
    done = subprocess.run(
        [sys.executable, "-m", "paperfeed", "migrate", "--skip-checks", "-v", "0"],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"paperfeed migrate failed:\n{done.stdout}{done.stderr}")


# --- child processes -------------------------------------------------------------


def run_child(argv: Sequence[str], env: dict[str, str], *, timeout: float | None = None) -> dict:
    """Run `argv` (a Python script and its arguments) in a new interpreter; return its result.

    The child prints one line `BENCH-RESULT {json}` (see `report`); anything
    else it prints is shown only when it fails.
    """
    done = subprocess.run(
        [sys.executable, *argv], cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )
    results = [line[len(RESULT_MARK):] for line in done.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if done.returncode or not results:
        raise RuntimeError(
            f"benchmark child {' '.join(argv)} failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    return json.loads(results[-1])


def report(result: dict) -> None:
    """In a child: hand the result to the parent."""
    print(RESULT_MARK + json.dumps(result), flush=True)


def peak_rss_kib() -> int:
    """Peak resident set size of this process so far, in KiB (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


# --- statistics and formatting ---------------------------------------------------------


@dataclass
class Summary:
    median: float
    low: float
    high: float
    n: int


def summarize(values: Sequence[float]) -> Summary:
    return Summary(statistics.median(values), min(values), max(values), len(values))


def fmt_int(value: float) -> str:
    return f"{value:,.0f}"


def fmt_spread(summary: Summary, fmt=fmt_int) -> str:
    if summary.n < 2:
        return "(1 run)"
    return f"{fmt(summary.low)}–{fmt(summary.high)}"


def fmt_mib(kib: float) -> str:
    return f"{kib / 1024:,.1f}"


def fmt_ratio(value: float) -> str:
    return f"{value:,.2f}×" if value < 10 else f"{value:,.1f}×"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> str:
    """A markdown table; `align` is one letter per column, l or r (default l)."""
    align = align.ljust(len(headers), "l")
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows)]

    def line(cells):
        return "| " + " | ".join(
            str(c).rjust(w) if a == "r" else str(c).ljust(w) for c, w, a in zip(cells, widths, align)
        ) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if a == "r" else ("-" * (w + 2)) for w, a in zip(widths, align)) + "|"
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


# --- machine facts and the docs file ------------------------------------------------


def command_line() -> str:
    """The command that ran this script, as typed from the repository root."""
    executable = Path(sys.executable)
    try:
        python = str(executable.relative_to(REPO_DIR))
    except ValueError:
        python = "python"
    script = Path(sys.argv[0]).resolve()
    try:
        script_text = str(script.relative_to(REPO_DIR))
    except ValueError:
        script_text = sys.argv[0]
    return shlex.join([python, script_text, *sys.argv[1:]])


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _memory_total() -> str:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return "unknown"


def machine_facts(extra: dict[str, str] | None = None) -> dict[str, str]:
    import django

    facts = {
        "CPU": f"{os.cpu_count()} × {_cpu_model()}",
        "memory": _memory_total(),
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "SQLite": sqlite3.sqlite_version,
        "load average at start": f"{os.getloadavg()[0]:.2f}",
    }
    facts.update(extra or {})
    return facts


def section_header(title: str, facts: dict[str, str]) -> str:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## {title}",
        "",
        "Produced by (from the repository root):",
        "",
        "```sh",
        command_line(),
        "```",
        "",
        f"Run on {now}. Machine: " + "; ".join(f"{k} {v}" for k, v in facts.items()) + ".",
    ]
    return "\n".join(lines)


def write_docs_section(script: str, body: str, path: Path = DOCS_FILE) -> Path:
    """Replace (or add) the section of `script` in docs/benchmarks.md, creating the file if needed."""
    import fcntl

    start, end = f"<!-- {script} start -->", f"<!-- {script} end -->"
    block = f"{start}\n{body.strip()}\n{end}"
    path.parent.mkdir(parents=True, exist_ok=True)
    # Several scripts may finish at once: read-modify-write under a lock, and
    # replace the file in one rename so a reader never sees half of it.
    with open(Path(tempfile.gettempdir()) / "paperfeed-bench-docs.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        text = path.read_text() if path.exists() else DOCS_INTRO
        if start in text and end in text:
            head, rest = text.split(start, 1)
            _old, tail = rest.split(end, 1)
            text = head + block + tail
        else:
            text = text.rstrip("\n") + "\n\n" + block + "\n"
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        partial.write_text(text)
        os.replace(partial, path)
    return path


# --- a synthetic arXiv metadata snapshot -------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z$\\(])")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
NEW_STYLE_PER_MONTH = 99_999
OLD_STYLE_PER_MONTH = 999
OLD_STYLE_SHARE = 10  # one record in this many gets an old-style id (hep-th/0101001)


def _rfc2822(moment: datetime) -> str:
    """As the snapshot writes version dates: "Mon, 2 Apr 2007 19:18:42 GMT"."""
    return (
        f"{_DAYS[moment.weekday()]}, {moment.day} {_MONTHS[moment.month - 1]} {moment.year} "
        f"{moment:%H:%M:%S} GMT"
    )


def _month_after(year: int, month: int, count: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + count
    return index // 12, index % 12 + 1


def _wrap(text: str, width: int, indent: str) -> str:
    """Hard-wrap like the snapshot does (greedy, by word), indenting continuation lines."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return ("\n" + indent).join(lines)


def synthetic_snapshot_lines(sample: Path, count: int, *, seed: int = 20070402) -> Iterator[str]:
    """`count` JSON lines shaped like the real snapshot records in `sample`.

    Record i takes the shape of real record i mod len(sample): its number of
    versions and authors, which optional fields it has (DOI, journal-ref,
    licence, comments, affiliations), its categories. Its content is
    recombined from all real records with a fixed seed: the title joins halves
    of two real titles, the abstract draws as many real sentences as the
    shape's abstract has, and each author takes a real first name and a real
    last name (so new authors keep appearing, as they do in arXiv). Ids are
    unique: new-style 2101.00001, 2101.00002, ... and every tenth record an
    old-style one (hep-th/9201001 ...). The same seed gives the same lines, and
    a shorter file is a prefix of a longer one.
    """
    real = [json.loads(line) for line in sample.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not real:
        raise ValueError(f"{sample} holds no records")
    rng = random.Random(seed)
    title_words = [" ".join(r["title"].split()).split(" ") for r in real]
    sentences = [s for r in real for s in _SENTENCE_END.split(" ".join(r["abstract"].split())) if s]
    shape_sentences = [max(1, len(_SENTENCE_END.split(" ".join(r["abstract"].split())))) for r in real]
    firsts = sorted({a[1] for r in real for a in r["authors_parsed"] if len(a) > 1 and a[1]})
    lasts = sorted({a[0] for r in real for a in r["authors_parsed"] if a and a[0]})
    archives = sorted({r["categories"].split()[0].split(".")[0] for r in real})
    new_seen = old_seen = 0

    for i in range(count):
        shape = real[i % len(real)]
        if i % OLD_STYLE_SHARE == OLD_STYLE_SHARE - 1:
            # Old-style: archive/YYMMNNN, 1992-01 on; spread over the sample's archives.
            archive = archives[old_seen % len(archives)]
            slot = old_seen // len(archives)
            year, month = _month_after(1992, 1, slot // OLD_STYLE_PER_MONTH)
            if year > 2007:
                raise ValueError(f"{count} records need more old-style ids than exist")
            arxiv_id = f"{archive}/{year % 100:02d}{month:02d}{slot % OLD_STYLE_PER_MONTH + 1:03d}"
            old_seen += 1
        else:
            year, month = _month_after(2021, 1, new_seen // NEW_STYLE_PER_MONTH)
            if year > 2099:
                raise ValueError(f"{count} records need more new-style ids than exist")
            arxiv_id = f"{year % 100:02d}{month:02d}.{new_seen % NEW_STYLE_PER_MONTH + 1:05d}"
            new_seen += 1

        first_words, second_words = rng.choice(title_words), rng.choice(title_words)
        title = " ".join(first_words[: max(1, len(first_words) // 2)] + second_words[len(second_words) // 2 :])
        abstract = " ".join(rng.choice(sentences) for _ in range(shape_sentences[i % len(real)]))

        authors_parsed, names, keys = [], [], set()
        for entry in shape["authors_parsed"]:
            while True:
                last, first = rng.choice(lasts), rng.choice(firsts)
                key = (last.casefold(), first.casefold())
                if key not in keys or len(keys) >= len(lasts) * len(firsts):
                    keys.add(key)
                    break
            parsed = [last, first, entry[2] if len(entry) > 2 else ""]
            if len(entry) > 3:
                parsed.append(entry[3])  # affiliation or footnote mark, as in the sample
            authors_parsed.append(parsed)
            names.append(f"{first} {last}")
        authors = names[0] if len(names) < 2 else ", ".join(names[:-1]) + " and " + names[-1]

        moment = datetime(year, month, rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))
        versions = []
        for number in range(1, len(shape["versions"]) + 1):
            versions.append({"version": f"v{number}", "created": _rfc2822(moment)})
            moment += timedelta(days=rng.randint(1, 300), seconds=rng.randint(0, 86_399))

        record = {
            "id": arxiv_id,
            "submitter": shape["submitter"],
            "authors": authors,
            "title": _wrap(title, 72, "  "),
            "comments": shape["comments"],
            "journal-ref": shape["journal-ref"],
            "doi": shape["doi"],
            "report-no": shape["report-no"],
            "categories": shape["categories"],
            "license": shape["license"],
            "abstract": "  " + _wrap(abstract, 78, "") + "\n",
            "versions": versions,
            "update_date": (moment + timedelta(days=rng.randint(0, 30))).strftime("%Y-%m-%d"),
            "authors_parsed": authors_parsed,
        }
        yield json.dumps(record, separators=(",", ":"))


def write_synthetic_snapshot(sample: Path, count: int, path: Path, *, seed: int = 20070402) -> Path:
    """Write `count` synthetic records to `path`, one JSON object per line."""
    with open(path, "w", encoding="utf-8") as out:
        for line in synthetic_snapshot_lines(sample, count, seed=seed):
            out.write(line + "\n")
    return path


# --- command lines of the bench scripts ---------------------------------------------------------


def script_parser(script: str, doc: str) -> argparse.ArgumentParser:
    """A parser whose help is the script's docstring: the description, then "Run from the repository root …"."""
    first_line, _, rest = doc.partition("\n")
    body, _, usage = rest.partition("Run from the repository root")
    return argparse.ArgumentParser(
        prog=script, description=first_line + "\n" + body, epilog="Run from the repository root" + usage,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def sizes_arg(minimum: int = 1, what: str = "positive"):
    """An argparse type: "10000,100_000" -> [10000, 100000], each at least `minimum`."""

    def parse(text: str) -> list[int]:
        try:
            sizes = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of numbers") from None
        if not sizes or sizes[0] < minimum:
            raise argparse.ArgumentTypeError(f"sizes must be {what}")
        return sizes

    return parse
