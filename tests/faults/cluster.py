"""A private PostgreSQL 15 cluster and a gunicorn site on it, so that restarting the database
never touches the server the rest of the suite uses."""

import contextlib
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

PG_BIN = Path("/usr/lib/postgresql/15/bin")
REPO = Path(__file__).resolve().parents[2]


def missing_binaries() -> str:
    """Why a private cluster cannot be started here, or '' when it can."""
    for name in ("initdb", "pg_ctl"):
        if not (PG_BIN / name).exists():
            return f"{PG_BIN / name} is not installed"
    if shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None:
        return "gunicorn is not installed in the virtualenv"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user to run initdb as"
    return ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """initdb into a temporary directory, then pg_ctl start / restart / stop on a free port."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="qf-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.port = free_port()
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(a) for a in args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)

    def init(self) -> None:
        self._run(PG_BIN / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")

    def _ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "-t", "60", action, *extra)

    def start(self) -> None:
        self._ctl("start")

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(PG_BIN / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop", check=False)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str) -> str:
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def query(self, name: str, sql: str) -> list[tuple]:
        with psycopg.connect(self.url(name)) as conn:
            return conn.execute(sql).fetchall()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def site_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTEST_XDIST_WORKER", None)
    env.update(
        DJANGO_SETTINGS_MODULE="qfapp.settings_test",
        DATABASE_URL=database_url,
        CONN_MAX_AGE="600",
        PYTHONPATH=str(REPO),
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, check=True, capture_output=True, text=True, timeout=300
    )
    return done.stdout


SEED = """
import json
from django.test import Client
from agencies.seeding import load_reference
from tests import factories
load_reference()
organisation = factories.OrganisationFactory()
user = factories.UserFactory(full_name="Applicant During Restart")
factories.MembershipFactory(organisation=organisation, user=user)
industry = factories.IndustryFactory()
client = Client()
client.force_login(user)
print(json.dumps({"session": client.cookies["sessionid"].value, "organisation": organisation.pk, "industry": industry.pk}))
"""


def seed(env: dict[str, str]) -> dict:
    return json.loads(manage(env, "shell", "-c", SEED).strip().splitlines()[-1])


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int = 2):
    """The site served by gunicorn on a free port; yields (base URL, process)."""
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="qf-gunicorn-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "qfapp.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start: {Path(log.name).read_text()}") from None
                time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        os.unlink(log.name)
