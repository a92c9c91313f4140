"""The `paperfeed` command: paperfeed's own commands plus every Django one.

`paperfeed X ...` is `django-admin X ...` with paperfeed's settings, so the
help of each command (`paperfeed X --help`) is its documentation.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

COMMANDS = [
    ("up", "migrate, then serve the site on 127.0.0.1:8000 and run the ingestion schedule"),
    ("serve", "serve the site with gunicorn [--host H] [--port P]"),
    ("schedule", "run the periodic jobs once, or forever with --loop"),
    ("ingest", "ingest hf|arxiv|oai: fetch papers from a source, or saved responses with --file"),
    ("import", "import arxiv-snapshot PATH | jsonl PATH: bulk-load the arXiv snapshot, or a paperfeed export"),
    ("export", "export [--format jsonl|csv] [--since D] [--output PATH]: stream the catalogue (backups, analysis)"),
    ("search", "search QUERY [--mode keyword|semantic|hybrid] [--limit N] [--json]: search the catalogue"),
    ("reindex", "rebuild the search documents and the full-text index (after a bulk import or a restore)"),
    ("embed", "embed [--batch-size N] [--limit N] [--rebuild]: compute the papers' vectors for semantic search"),
    ("digests", "digests send [--loop] [--as-of DATETIME]: mail the digests and alerts that are due, each once"),
    ("subscribers", "subscribers add EMAIL [--trending daily|weekly] [--search Q] [--follow-category C] [--confirmed] | list | remove EMAIL"),
]

HELP = """usage: paperfeed COMMAND [OPTIONS]

paperfeed: a self-hosted daily research-papers feed.

Commands:
{commands}

Any other Django management command passes through, for example
  paperfeed migrate | createsuperuser | check --deploy | shell

`paperfeed COMMAND --help` describes a command's options.
Settings come from the environment; see docs/settings.md.
"""


def _data_dir() -> Path:
    return Path(os.environ.get("PAPERFEED_DATA_DIR", "data")).resolve()


def _ensure_secret_key(create: bool) -> None:
    """Use the install's own key from the data dir when SECRET_KEY is not set.

    `paperfeed up` creates it (random, mode 600) so a fresh install runs
    without a shared default secret.
    """
    if os.environ.get("SECRET_KEY"):
        return
    key_file = _data_dir() / "secret_key"
    if not key_file.exists() and create:
        key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    if key_file.exists():
        os.environ["SECRET_KEY"] = key_file.read_text().strip()


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        width = max(len(name) for name, _ in COMMANDS)
        lines = "\n".join(f"  {name.ljust(width)}  {text}" for name, text in COMMANDS)
        print(HELP.format(commands=lines))
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paperfeed.settings")
    _ensure_secret_key(create=args[0] == "up")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["paperfeed", *args])
    except ImproperlyConfigured as exc:
        print(f"paperfeed: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
