from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the site with gunicorn (a production WSGI server), on 127.0.0.1:8000 by default."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("PAPERFEED_HOST", "127.0.0.1"), help="address to bind (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PAPERFEED_PORT", "8000")), help="port (default 8000)")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("PAPERFEED_WEB_WORKERS", "3")), help="worker processes (default 3)")

    def handle(self, *args, host: str, port: int, workers: int, **options):
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        argv = [
            sys.executable, "-m", "gunicorn", "paperfeed.wsgi:application",
            "--bind", f"{host}:{port}",
            "--workers", str(workers),
            "--access-logfile", "-",
            "--graceful-timeout", "10",
        ]  # fmt: skip
        self.stdout.write(f"serving on http://{host}:{port}/")
        self.stdout.flush()
        os.execv(sys.executable, argv)
