from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Set up and run everything: apply migrations, then start the web server and the "
        "ingestion schedule, and keep both running (restarting either if it dies) until Ctrl-C."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument("--no-schedule", action="store_true", help="serve only; do not start the schedule")

    def handle(self, *args, host: str, port: int, no_schedule: bool, **options):
        call_command("migrate", interactive=False, verbosity=1)
        children = {"web": [sys.executable, "-m", "paperfeed", "serve", "--host", host, "--port", str(port)]}
        if not no_schedule:
            children["schedule"] = [sys.executable, "-m", "paperfeed", "schedule", "--loop"]
        running = {name: subprocess.Popen(argv) for name, argv in children.items()}
        self.stdout.write(self.style.SUCCESS(f"paperfeed is up: http://{host}:{port}/  (Ctrl-C to stop)"))
        self.stdout.flush()

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while not stopping:
                time.sleep(1)
                for name, process in list(running.items()):
                    code = process.poll()
                    if code is not None and not stopping:
                        self.stderr.write(f"{name} exited with {code}; restarting in 5 s")
                        time.sleep(5)
                        running[name] = subprocess.Popen(children[name])
        finally:
            for process in running.values():
                process.terminate()
            for process in running.values():
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
