from __future__ import annotations

import json
import shutil
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from paperfeed.catalog.models import Paper
from paperfeed.search import services
from paperfeed.search.query import is_category


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date such as 2024-01-31") from None


class Command(BaseCommand):
    help = (
        "Search the catalogue as the search page does. QUERY takes the search box's syntax: "
        '"exact phrase", author:"Tri Dao", category:cs.CL, after:2024-01-01, before:2024-06, -word.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query", nargs="+", metavar="QUERY", help="what to search for (several words are one query)")
        parser.add_argument("--mode", choices=services.MODES, default=services.HYBRID,
                            help="hybrid (default: keyword and semantic together), keyword or semantic")
        parser.add_argument("--limit", type=int, default=10, metavar="N", help="how many results (default 10)")
        parser.add_argument("--category", metavar="C", help="only papers in this arXiv category, e.g. cs.CL")
        parser.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="published on or after this day")
        parser.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="published on or before this day")
        parser.add_argument("--json", action="store_true",
                            help="print a JSON list of {id, title, score, rank, published, authors, url}")

    def handle(self, *args, **options) -> None:
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1")
        if options["category"] and not is_category(options["category"]):
            raise CommandError(f"--category {options['category']!r} is not an arXiv category such as cs.CL")
        results = services.search(
            q=" ".join(options["query"]),
            mode=options["mode"],
            category=options["category"],
            since=options["since"],
            until=options["until"],
            limit=options["limit"],
        )
        papers = Paper.objects.in_bulk(results.paper_ids)
        authors = _authors(results.paper_ids)
        rows = [
            {
                "rank": rank,
                "id": papers[hit.paper_id].arxiv_id,
                "title": papers[hit.paper_id].title,
                "score": round(hit.score, 6),
                "published": papers[hit.paper_id].published.date().isoformat() if papers[hit.paper_id].published else None,
                "authors": authors.get(hit.paper_id, []),
                "url": papers[hit.paper_id].abs_url,
            }
            for rank, hit in enumerate(results.hits, start=1)
            if hit.paper_id in papers
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for problem in results.query.problems:
            self.stderr.write(f"ignored: {problem}")
        if not rows:
            self.stdout.write("No papers match.")
            return
        self.stdout.write(_table(rows))
        self.stdout.write(f"{len(rows)} of {results.total} result{'s' if results.total != 1 else ''} ({results.mode})")


def _authors(paper_ids: list[int]) -> dict[int, list[str]]:
    from paperfeed.catalog.models import PaperAuthor

    found: dict[int, list[str]] = {}
    rows = PaperAuthor.objects.filter(paper_id__in=paper_ids).order_by("paper_id", "position")
    for paper_id, name in rows.values_list("paper_id", "author__name"):
        found.setdefault(paper_id, []).append(name)
    return found


def _table(rows: list[dict]) -> str:
    width = shutil.get_terminal_size((100, 24)).columns
    id_width = max(len("arXiv id"), *(len(row["id"]) for row in rows))
    head = f"{'#':>3}  {'score':>8}  {'arXiv id':<{id_width}}  {'date':<10}  title"
    room = max(20, width - len(head) + len("title"))
    lines = [head, "-" * min(width, len(head) + room - len("title"))]
    for row in rows:
        title = " ".join(row["title"].split())
        if len(title) > room:
            title = title[: room - 1] + "…"
        lines.append(f"{row['rank']:>3}  {row['score']:>8.4f}  {row['id']:<{id_width}}  {row['published'] or '':<10}  {title}")
    return "\n".join(lines)
