"""The set-up of `make run` and `make test` on a fresh machine: which Python builds the
virtualenv (scripts/python.sh), the private PostgreSQL and Redis (scripts/services.sh) and the
system packages (scripts/packages.sh)."""

import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest
import redis
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"
BASH = shutil.which("bash")


def _write(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(0o755)


def _fake_python(folder: Path, name: str, answer: str | None) -> Path:
    """An interpreter that answers the version probe with `answer`, or a pyenv shim that exits 127."""
    path = folder / name
    if answer is None:
        _write(path, f'#!/bin/sh\necho "pyenv: {name}: command not found" >&2\nexit 127\n')
    else:
        _write(path, f'#!/bin/sh\necho "{answer}"\n')
    return path


@pytest.fixture
def path_of(tmp_path):
    """A PATH holding only the fake interpreters in bin/ and the tools the script uses."""
    bin_dir, tools = tmp_path / "bin", tmp_path / "tools"
    bin_dir.mkdir()
    tools.mkdir()
    for tool in ("tail", "ls", "sort"):
        (tools / tool).symlink_to(shutil.which(tool))
    return bin_dir, f"{bin_dir}:{tools}"


def _select(path: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BASH, str(SCRIPTS / "python.sh"), *args],
        env={"PATH": path, "HOME": "/nonexistent", **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_the_newest_interpreter_that_runs_is_chosen(path_of):
    bin_dir, path = path_of
    _fake_python(bin_dir, "python3.13", None)  # a pyenv shim of a version that is not selected
    _fake_python(bin_dir, "python3.12", "3.12 venv")
    _fake_python(bin_dir, "python3.11", "3.11 venv")
    result = _select(path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(bin_dir / "python3.12")


def test_python3_counts_when_it_is_a_supported_version(path_of):
    bin_dir, path = path_of
    _fake_python(bin_dir, "python3", "3.13 venv")
    assert _select(path).stdout.strip() == str(bin_dir / "python3")


def test_no_supported_interpreter_stops_with_one_line_naming_the_versions(path_of):
    bin_dir, path = path_of
    _fake_python(bin_dir, "python3", "3.10 venv")
    _fake_python(bin_dir, "python3.13", None)
    result = _select(path)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "python3.13, python3.12, python3.11" in lines[0]


def test_an_interpreter_without_venv_is_named_with_its_package(path_of):
    bin_dir, path = path_of
    _fake_python(bin_dir, "python3.12", "3.12 no-venv")
    result = _select(path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Python 3.12 is installed without its venv module: install the Debian/Ubuntu package python3.12-venv "
        "(as root: apt-get install python3.12-venv), or set PYTHON=<interpreter>"
    ]


def _fake_apt(folder: Path, python: Path, uid: int, known: str) -> Path:
    """`id -u` answering `uid`; `apt-get` recording its arguments (with DEBIAN_FRONTEND), whose
    install gives `python` its venv module; `apt-cache show` knowing only the package `known`."""
    record = folder.parent / "apt-get.log"
    _write(folder / "id", f'#!/bin/sh\n[ "$1" = -u ] && echo {uid}\n')
    version = python.read_text().split('"')[1].split()[0]
    _write(
        folder / "apt-get",
        f'#!/bin/sh\necho "DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> {record}\necho "apt says hello"\n'
        f'case " $* " in *" install "*) printf \'#!/bin/sh\\necho "{version} venv"\\n\' > {python} ;; esac\n',
    )
    _write(folder / "apt-cache", f'#!/bin/sh\n[ "$1 $2" = "show {known}" ]\n')
    return record


def test_as_root_the_venv_package_is_installed_and_the_interpreter_chosen(path_of):
    bin_dir, path = path_of
    python = _fake_python(bin_dir, "python3.12", "3.12 no-venv")
    record = _fake_apt(bin_dir, python, 0, known="python3.12-venv")
    result = _select(path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{python}\n"  # apt's own output is not taken for the interpreter
    assert record.read_text().splitlines() == [
        "DEBIAN_FRONTEND=noninteractive -qq -o DPkg::Lock::Timeout=600 update",
        "DEBIAN_FRONTEND=noninteractive -qq -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "
        "python3.12-venv",
    ]
    assert "installing python3.12-venv" in result.stderr


def test_as_root_python3_venv_is_installed_when_the_release_has_no_versioned_name(path_of):
    bin_dir, path = path_of
    python = _fake_python(bin_dir, "python3", "3.13 no-venv")
    record = _fake_apt(bin_dir, python, 0, known="python3-venv")
    result = _select(path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(python)
    assert record.read_text().splitlines()[-1].endswith("install -y --no-install-recommends python3-venv")


def test_without_root_nothing_is_installed_and_the_refusal_is_one_line(path_of):
    bin_dir, path = path_of
    python = _fake_python(bin_dir, "python3.12", "3.12 no-venv")
    record = _fake_apt(bin_dir, python, 1000, known="python3.12-venv")
    result = _select(path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "Python 3.12 is installed without its venv module: install the Debian/Ubuntu package python3.12-venv "
        "(as root: apt-get install python3.12-venv), or set PYTHON=<interpreter>"
    ]
    assert not record.exists()


def test_python_overrides_the_search(path_of):
    bin_dir, path = path_of
    _fake_python(bin_dir, "python3.13", "3.13 venv")
    older = _fake_python(bin_dir, "python3.11", "3.11 venv")
    assert _select(path, PYTHON=str(older)).stdout.strip() == str(older)
    missing = _select(path, PYTHON=str(bin_dir / "python9"))
    assert missing.returncode == 1
    assert missing.stderr.strip() == f"PYTHON={bin_dir / 'python9'} does not run"


def test_the_other_interpreter_is_the_farthest_version_also_under_pyenv(path_of, tmp_path):
    bin_dir, path = path_of
    _fake_python(bin_dir, "python3.11", "3.11 venv")
    _fake_python(bin_dir, "python3.13", None)
    versions = tmp_path / "pyenv" / "versions"
    for version in ("3.12.1", "3.13.0"):
        (versions / version / "bin").mkdir(parents=True)
        _fake_python(versions / version / "bin", f"python{version[:4]}", f"{version[:4]} venv")
    result = _select(path, "--other", PYENV_ROOT=str(tmp_path / "pyenv"))
    assert result.stdout.strip() == str(versions / "3.13.0" / "bin" / "python3.13")
    # From 3.13 the other one is 3.11.
    result = _select(path, "--other", PYTHON=str(versions / "3.13.0" / "bin" / "python3.13"))
    assert result.stdout.strip() == str(bin_dir / "python3.11")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return True
    return False


def _services(database_url: str, redis_url: str, *command: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BASH, str(SCRIPTS / "services.sh"), "run", "--", *command],
        env={**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "REQUIRE_PRIVATE": "0", **env},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


USE_BOTH = """
import os, sys, pathlib, psycopg, redis
db, cache = os.environ["DATABASE_URL"], os.environ["REDIS_URL"]
with psycopg.connect(db) as conn:  # the database named in the address is there
    conn.execute("CREATE TABLE probe (id int)")
redis.Redis.from_url(cache).set("probe", "1")
mine = [d for d in pathlib.Path("var/services").glob("run.*") if (d / "owner").read_text().strip() == str(os.getppid())]
print(mine[0], (mine[0] / "pgdata").read_text().strip())
print(db, cache, flush=True)
sys.exit(3)
"""


@pytest.mark.slow
def test_private_services_start_where_nothing_answers_and_are_gone_afterwards():
    db_port, redis_port = _closed_port(), _closed_port()
    result = _services(
        f"postgres://postgres@127.0.0.1:{db_port}/qf_fresh_probe",
        f"redis://127.0.0.1:{redis_port}/7",
        sys.executable,
        "-c",
        USE_BOTH,
    )
    assert result.returncode == 3, result.stdout + result.stderr  # the command's own status
    used_db, used_redis = result.stdout.strip().splitlines()[-2].split()
    assert used_db.startswith("postgres://postgres@127.0.0.1:") and used_db.endswith("/qf_fresh_probe")
    assert used_redis.startswith("redis://127.0.0.1:") and used_redis.endswith("/7")
    assert f"Nothing answers at 127.0.0.1:{db_port}: started a private PostgreSQL" in result.stdout
    assert f"Nothing answers at 127.0.0.1:{redis_port}: started a private Redis" in result.stdout
    assert result.stdout.strip().endswith("Stopped the private services.")
    private_db_port = int(used_db.split(":")[2].split("/")[0])
    private_redis_port = int(used_redis.split(":")[2].split("/")[0])
    assert _refused(private_db_port) and _refused(private_redis_port)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(used_db, connect_timeout=2)
    with pytest.raises(redis.ConnectionError):
        redis.Redis.from_url(used_redis, socket_connect_timeout=2).ping()
    run_dir, data_dir = result.stdout.strip().splitlines()[-3].split()
    assert not (ROOT / run_dir).exists() and not Path(data_dir).exists()


@pytest.mark.slow
def test_ctrl_c_stops_the_private_services():
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{_closed_port()}/x",
        "REDIS_URL": f"redis://127.0.0.1:{_closed_port()}/0",
        "REQUIRE_PRIVATE": "0",
    }
    script = 'echo "URLS $$ $DATABASE_URL $REDIS_URL"; exec sleep 120'
    command = [BASH, str(SCRIPTS / "services.sh"), "run", "--", "sh", "-c", script]
    run = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
    try:
        line = ""
        while not line.startswith("URLS "):
            line = run.stdout.readline()
            assert line, "services.sh ended before running the command"
        _, child, used_db, used_redis = line.split()
        # Ctrl-C at a terminal interrupts the script and its command alike.
        os.kill(run.pid, signal.SIGINT)
        os.kill(int(child), signal.SIGINT)
        assert run.wait(timeout=60) == 130
    finally:
        if run.poll() is None:
            run.kill()
    assert run.stdout.read().strip() == "Stopped the private services."
    assert _refused(int(used_db.split(":")[2].split("/")[0]))
    assert _refused(int(used_redis.split(":")[2].split("/")[0]))


def test_servers_that_answer_are_used_as_they_are(db):
    settings = connection.settings_dict
    database_url = f"postgres://postgres@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/x"
    redis_url = os.environ["REDIS_URL"]
    command = 'echo "$DATABASE_URL $REDIS_URL ${REQUIRE_PRIVATE-unset}"'
    result = _services(database_url, redis_url, "sh", "-c", command)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{database_url} {redis_url} unset"


def test_require_private_refuses_a_server_that_answers():
    redis_url = os.environ["REDIS_URL"]
    result = _services(f"postgres://postgres@127.0.0.1:{_closed_port()}/x", redis_url, "true", REQUIRE_PRIVATE="1")
    assert result.returncode == 1
    host_port = redis_url.split("//")[1].split("/")[0]
    assert result.stderr.strip().splitlines() == [
        f"REQUIRE_PRIVATE=1 but something answers at {host_port}: point the address at a closed port"
    ]


def _without_root(script: str, *args: str, listing: str, **env: str) -> subprocess.CompletedProcess:
    """Run a script as a user who is not root, with a package list of the test's own."""
    path = tempfile.NamedTemporaryFile("w", dir="/tmp", suffix=".txt", delete=False)  # readable by nobody
    with path:
        path.write(listing)
    os.chmod(path.name, stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IROTH)
    command = [BASH, str(SCRIPTS / script), *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "nobody", "--", *command]
    try:
        return subprocess.run(
            command,
            env={"PATH": os.environ["PATH"], "SYSTEM_PACKAGES": path.name, **env},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.unlink(path.name)


def test_packages_without_root_names_the_missing_ones_in_one_line():
    listing = "# package found needed\nbash bash test\nqf-absent-one /nonexistent/qf-one test\n"
    listing += "qf-absent-two /nonexistent/qf-two test\nqf-server-only /nonexistent/qf-three services\n"
    result = _without_root("packages.sh", "test", listing=listing)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Missing system packages: qf-absent-one qf-absent-two - install them "
        "(Debian/Ubuntu, as root: apt-get install qf-absent-one qf-absent-two) and run this again"
    ]


def test_services_without_postgresql_and_without_root_name_the_package():
    result = _without_root(
        "services.sh",
        "run",
        "--",
        "true",
        listing="postgresql /nonexistent/initdb services\nredis-server redis-server services\n",
        PG_BINDIR="/nonexistent",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{_closed_port()}/x",
        REDIS_URL=os.environ["REDIS_URL"],
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Missing system packages: postgresql - install them "
        "(Debian/Ubuntu, as root: apt-get install postgresql) and run this again"
    ]


def test_the_package_list_names_what_make_test_needs():
    rows = {}
    for line in (SCRIPTS / "system-packages.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _found, needed = line.split()
            rows[name] = needed.split(",")
    for name in ("chromium", "fonts-noto-cjk", "gettext", "postgresql-client", "libpango-1.0-0"):
        assert "test" in rows[name], name
    assert "services" in rows["postgresql"] and "services" in rows["redis-server"]


def _dry_run(target: str, tmp_path: Path) -> str:
    result = subprocess.run(
        ["make", "-n", target, f"VENV={tmp_path / 'venv'}", "PYTHON=python3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def test_make_run_needs_only_python(tmp_path):
    commands = _dry_run("run", tmp_path)
    assert "scripts/python.sh" in commands and "runserver" in commands
    assert "packages.sh" not in commands and "services.sh" not in commands
    assert "requirements-dev.txt" not in commands


def test_make_test_installs_packages_and_runs_under_the_services(tmp_path):
    commands = _dry_run("test", tmp_path)
    assert "scripts/packages.sh test" in commands
    assert "scripts/services.sh run -- sh -c" in commands and "pytest" in commands
