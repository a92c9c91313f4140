from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from paperfeed.ingest import services
from paperfeed.ingest.models import IngestRun
from paperfeed.ingest.records import SourceFormatError
from paperfeed.lib.http import FetchError


def a_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None


a_date.__name__ = "date"  # argparse names the type in its error message


class Command(BaseCommand):
    help = "Fetch papers from a source (or read saved responses with --file) into the catalogue."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="source", required=True, metavar="{hf,arxiv,oai}")
        hf = sub.add_parser(
            "hf",
            help="Hugging Face daily papers (/api/daily_papers).",
            description="Ingest the Hugging Face daily papers list of a day, week or month "
            "(today when none is given), or saved API responses with --file.",
        )
        when = hf.add_mutually_exclusive_group()
        when.add_argument("--date", help="a day, YYYY-MM-DD")
        when.add_argument("--week", help="an ISO week, YYYY-Www (e.g. 2025-W40)")
        when.add_argument("--month", help="a month, YYYY-MM")
        hf.add_argument("--file", action="extend", nargs="+", default=[], metavar="PATH", help="read saved responses instead of the network (- for stdin)")

        arxiv = sub.add_parser(
            "arxiv",
            help="arXiv query API (Atom), by category and date.",
            description="Ingest new papers of arXiv categories from the arXiv query API, politely "
            "(one request every 3 s), or saved Atom responses with --file. Without --category the "
            "configured PAPERFEED_ARXIV_CATEGORIES are used.",
        )
        arxiv.add_argument("--category", action="append", default=[], metavar="C", help="an arXiv category such as cs.CL; repeatable")
        arxiv.add_argument("--since", type=a_date, metavar="D", help="submitted on or after this day, YYYY-MM-DD")
        arxiv.add_argument("--until", type=a_date, metavar="D", help="submitted on or before this day, YYYY-MM-DD")
        arxiv.add_argument("--id", action="append", default=[], dest="ids", metavar="ID", help="fetch this arXiv id; repeatable")
        arxiv.add_argument("--file", action="extend", nargs="+", default=[], metavar="PATH", help="read saved Atom responses instead of the network (- for stdin)")

        oai = sub.add_parser(
            "oai",
            help="arXiv OAI-PMH ListRecords harvest (resumable).",
            description="Harvest arXiv's OAI-PMH ListRecords for a set and window. An interrupted "
            "harvest resumes from its saved resumption token when run again with the same options.",
        )
        oai.add_argument("--set", dest="set_spec", metavar="S", help="an OAI set such as cs or physics:hep-th")
        oai.add_argument("--since", type=a_date, metavar="D", help="records changed on or after this day")
        oai.add_argument("--until", type=a_date, metavar="D", help="records changed on or before this day")
        oai.add_argument("--format", dest="metadata_prefix", choices=["arXiv", "oai_dc"], default="arXiv", help="metadata format (default arXiv)")
        oai.add_argument("--max-pages", type=int, metavar="N", help="stop after N pages (run again to continue)")
        oai.add_argument("--file", action="extend", nargs="+", default=[], metavar="PATH", help="read saved responses instead of the network (- for stdin)")

    def handle(self, *args, source: str, **options) -> None:
        try:
            if source == "hf":
                run = services.hf_ingest(date=options["date"], week=options["week"], month=options["month"], files=options["file"])
            elif source == "arxiv":
                run = services.arxiv_ingest(
                    categories=options["category"],
                    since=options["since"],
                    until=options["until"],
                    ids=options["ids"],
                    files=options["file"],
                )
            else:
                run = services.oai_harvest(
                    set_spec=options["set_spec"],
                    since=options["since"],
                    until=options["until"],
                    metadata_prefix=options["metadata_prefix"],
                    files=options["file"],
                    max_pages=options["max_pages"],
                )
        except (FetchError, SourceFormatError, services.IngestFailed, ValueError, OSError) as exc:
            last = IngestRun.objects.order_by("-pk").first()
            if last is not None and last.status == IngestRun.FAILED:
                self.stdout.write(last.summary())
            raise CommandError(str(exc)) from None
        self.stdout.write(run.summary())
