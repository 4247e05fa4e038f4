"""`make bench`: serve the site with gunicorn under production settings and measure it with wrk.

Builds a fresh benchmark database (`seed_bench --scale N`), starts gunicorn on loopback (DEBUG off,
PostgreSQL, Redis cache, BENCH_MODE=1 for the trivial view), then drives every page in PAGES with
wrk in interleaved rounds, bounded in time. Per page: median requests per second over the rounds,
p50/p95/p99 latency (median over the rounds), errors, and two ratios from the same run: against the
trivial view and against the Django admin changelist over the same rows. Results go to
benchmarks/results/latest.json (and scale-N.json; at scale N > 1 each page also gets its p50 over
the last scale-1 run) and a table is printed.

Settings (environment): BENCH_SCALE (1), BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/qf_bench),
BENCH_REDIS_URL (redis://127.0.0.1:6379/14), BENCH_ROUNDS (3), BENCH_SECONDS (5, per page and round),
BENCH_BUDGET (420, seconds for all the measuring), BENCH_CONNECTIONS (8), BENCH_THREADS (2),
BENCH_WORKERS (2 x CPUs), BENCH_WORKER_THREADS (4, gthread workers), BENCH_PORT (8765), BENCH_REUSE_DB=1 (keep an already seeded database).
"""

# Bandit B404/B603/B607 accepted throughout: this runner starts fixed local tools (psql, wrk, gunicorn,
# manage.py, apt-get) with arguments it builds itself from its own settings; nothing comes from a user.
import json
import os
import platform
import secrets
import shutil
import statistics
import subprocess  # nosec B404
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "latest.json"
LUA = ROOT / "benchmarks" / "report.lua"
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")


@dataclass(frozen=True)
class Page:
    """A page to measure: `role` None is anonymous; `admin` names the admin page over the same rows."""

    name: str
    path: str
    role: str | None = None
    admin: str = "admin_appointments"
    headers: tuple[str, ...] = ()
    expect: int = 200


TRIVIAL = "trivial"
# The pages measured. Add each new page here: (name, path, role, the admin page it replaces).
PAGES = [
    Page(TRIVIAL, "/bench/trivial"),
    Page("healthz", "/healthz"),
    Page("admin_appointments", "/en/admin/agencies/appointment/", role="superuser"),
    Page("admin_organisations", "/en/admin/agencies/organisation/", role="superuser", admin="admin_organisations"),
    Page("admin_audit", "/en/admin/audit/auditentry/", role="superuser", admin="admin_audit"),
]
# Users the bench signs in (one session each): role name -> how the user is made (see SESSIONS_SCRIPT).
ROLES = ["superuser", "applicant", "case_officer", "reviewer", "approver", "register_admin"]


@dataclass
class Config:
    scale: int = int(os.environ.get("BENCH_SCALE", "1"))
    database_url: str = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qf_bench")
    redis_url: str = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    rounds: int = int(os.environ.get("BENCH_ROUNDS", "3"))
    seconds: float = float(os.environ.get("BENCH_SECONDS", "5"))
    budget: float = float(os.environ.get("BENCH_BUDGET", "420"))
    connections: int = int(os.environ.get("BENCH_CONNECTIONS", "8"))
    threads: int = int(os.environ.get("BENCH_THREADS", "2"))
    workers: int = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1))))
    worker_threads: int = int(os.environ.get("BENCH_WORKER_THREADS", "4"))
    port: int = int(os.environ.get("BENCH_PORT", "8765"))
    reuse_db: bool = os.environ.get("BENCH_REUSE_DB", "") == "1"
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(50))

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def site_env(cfg: Config) -> dict:
    """Production settings, on loopback without TLS."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(ROOT)),
        "DJANGO_SETTINGS_MODULE": "qfapp.settings",
        "DEBUG": "0",
        "SECRET_KEY": cfg.secret_key,
        "DATABASE_URL": cfg.database_url,
        "REDIS_URL": cfg.redis_url,
        "CACHE_KEY_PREFIX": "qfbench",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "PRIVATE_STORAGE_ROOT": str(ROOT / "var" / "bench-private"),
        "BENCH_MODE": "1",
        "LOG_LEVEL": "WARNING",
    }


def run(command: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, env=env, check=True, text=True, **kwargs)  # nosec B603


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    log("wrk is missing: installing the Debian package")
    apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=apt_env)  # nosec B603
    subprocess.run(  # nosec B603
        [*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"], check=True, env=apt_env
    )
    return shutil.which("wrk") or sys.exit("wrk could not be installed")


def _server_url(database_url: str) -> tuple[str, str]:
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        sys.exit(f"BENCH_DATABASE_URL must end in a plain database name, not {name!r}")
    return urlunsplit(parts._replace(path="/postgres")), name


def _psql(url: str, sql: str) -> str:
    return run(["psql", url, "-Atqc", sql], env=dict(os.environ), capture_output=True).stdout.strip()


def prepare_database(cfg: Config) -> dict:
    server, name = _server_url(cfg.database_url)
    env = site_env(cfg)
    exists = name in _psql(server, "SELECT datname FROM pg_database").splitlines()
    expected = str(20_000 * cfg.scale)
    if cfg.reuse_db and exists and _psql(cfg.database_url, "SELECT count(*) FROM applications_application") == expected:
        log(f"reusing {name} (scale {cfg.scale})")
        seeded = {"reused": True}
    else:
        log(f"creating {name}")
        _psql(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _psql(server, f'CREATE DATABASE "{name}"')
        shutil.rmtree(env["PRIVATE_STORAGE_ROOT"], ignore_errors=True)
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
        started = time.monotonic()
        log(f"seed_bench --scale {cfg.scale}")
        output = run([PYTHON, "manage.py", "seed_bench", "--scale", str(cfg.scale)], env, capture_output=True).stdout
        print(output, end="")
        seeded = {"seconds": round(time.monotonic() - started, 1), "log": output.strip().splitlines()}
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    return seeded


SESSIONS_SCRIPT = """
import json, time
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from accounts import roles
from accounts.models import User
from agencies.models import Organisation, OrganisationMembership

GROUPS = {"case_officer": roles.CASE_OFFICER, "reviewer": roles.REVIEWER, "approver": roles.APPROVER,
          "register_admin": roles.REGISTER_ADMIN}
keys = {}
for role in json.loads(%(roles)r):
    user, _ = User.objects.get_or_create(email=f"bench-{role}@bench.hkqf.local",
                                         defaults={"full_name": f"Bench {role}"})
    user.is_superuser = role == "superuser"
    user.is_staff = role in ("superuser", "case_officer", "approver", "register_admin")
    user.save()
    if role in GROUPS:
        user.groups.add(Group.objects.get_or_create(name=GROUPS[role])[0])
    if role == "applicant":
        organisation = Organisation.objects.filter(applications__isnull=False).order_by("pk").first()
        OrganisationMembership.objects.get_or_create(organisation=organisation, user=user, defaults={"role": "owner"})
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["_qf_last_seen"] = session["_qf_signed_in_at"] = int(time.time())
    session.create()
    keys[role] = session.session_key
print(json.dumps(keys))
"""


def make_sessions(cfg: Config) -> dict[str, str]:
    script = SESSIONS_SCRIPT % {"roles": json.dumps(ROLES)}
    output = run([PYTHON, "-c", script], site_env(cfg), capture_output=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def start_server(cfg: Config) -> subprocess.Popen:
    command = [GUNICORN, "qfapp.wsgi", "--bind", f"127.0.0.1:{cfg.port}", "--workers", str(cfg.workers)]
    command += ["--threads", str(cfg.worker_threads), "--log-level", "warning", "--timeout", "60"]
    log(f"gunicorn with {cfg.workers} workers on {cfg.base}")
    env = site_env(cfg)
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603  # nosec B603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn stopped during start-up")
        try:
            with urllib.request.urlopen(f"{cfg.base}/healthz", timeout=2) as answer:  # noqa: S310  # nosec B310
                if answer.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    server.terminate()
    sys.exit("gunicorn did not answer /healthz within 60 s")


def _headers(page: Page, sessions: dict[str, str]) -> list[str]:
    headers = list(page.headers)
    if page.role:
        headers.append(f"Cookie: sessionid={sessions[page.role]}")
    return headers


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def smoke(cfg: Config, page: Page, sessions: dict[str, str]) -> int:
    request = urllib.request.Request(cfg.base + page.path)  # noqa: S310 - loopback
    for header in _headers(page, sessions):
        name, value = header.split(": ", 1)
        request.add_header(name, value)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


def wrk(cfg: Config, wrk_path: str, page: Page, sessions: dict[str, str], seconds: float) -> dict:
    command = [wrk_path, f"-t{cfg.threads}", f"-c{cfg.connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s"]
    command += ["--latency", "-s", str(LUA)]
    for header in _headers(page, sessions):
        command += ["-H", header]
    command.append(cfg.base + page.path)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # nosec B603  # noqa: S603
    line = next(line for line in output.splitlines() if line.startswith("BENCHJSON "))
    data = json.loads(line.removeprefix("BENCHJSON "))
    data["rps"] = data["requests"] / (data["duration_us"] / 1_000_000)
    return data


def measure(cfg: Config, wrk_path: str, pages: list[Page], sessions: dict[str, str]) -> tuple[dict, int, float]:
    seconds = max(2.0, min(cfg.seconds, cfg.budget / (cfg.rounds * len(pages) + len(pages))))
    log(f"warm-up, then {cfg.rounds} rounds of {len(pages)} pages x {seconds:.0f} s")
    for page in pages:
        wrk(cfg, wrk_path, page, sessions, 1)
    runs: dict[str, list[dict]] = {page.name: [] for page in pages}
    deadline = time.monotonic() + cfg.budget
    rounds_done = 0
    for number in range(cfg.rounds):
        if time.monotonic() + seconds * len(pages) > deadline:
            log("time budget reached: stopping the rounds")
            break
        order = pages[number % len(pages) :] + pages[: number % len(pages)]  # interleaved, rotated
        for page in order:
            runs[page.name].append(wrk(cfg, wrk_path, page, sessions, seconds))
        rounds_done += 1
        log(f"round {rounds_done} done")
    return runs, rounds_done, seconds


def summarise(pages: list[Page], runs: dict, statuses: dict[str, int]) -> dict:
    results = {}
    for page in pages:
        samples = runs.get(page.name) or []
        if statuses[page.name] != page.expect or not samples:
            results[page.name] = {"path": page.path, "error": f"answered {statuses[page.name]}, not {page.expect}"}
            continue
        errors = sum(sum(sample["errors"].values()) for sample in samples)
        results[page.name] = {
            "path": page.path,
            "rps": round(statistics.median(s["rps"] for s in samples), 1),
            "p50_ms": round(statistics.median(s["p50_us"] for s in samples) / 1000, 2),
            "p95_ms": round(statistics.median(s["p95_us"] for s in samples) / 1000, 2),
            "p99_ms": round(statistics.median(s["p99_us"] for s in samples) / 1000, 2),
            "errors": errors,
            "requests": sum(s["requests"] for s in samples),
        }
    trivial = results.get(TRIVIAL, {}).get("rps")
    for page in pages:
        result = results[page.name]
        if "rps" not in result:
            continue
        admin = results.get(page.admin, {}).get("rps")
        result["ratio_trivial"] = round(result["rps"] / trivial, 3) if trivial else None
        result["ratio_admin"] = round(result["rps"] / admin, 3) if admin else None
        result["admin_page"] = page.admin
    return results


def compare_with_scale_1(cfg: Config, results: dict) -> None:
    """At a larger scale, each page's p50 over its p50 in the last scale-1 run (the target is 1.25 at most)."""
    baseline_file = RESULTS.parent / "scale-1.json"
    if cfg.scale == 1 or not baseline_file.exists():
        return
    baseline = json.loads(baseline_file.read_text(encoding="utf-8"))["pages"]
    for name, result in results.items():
        before = baseline.get(name, {}).get("p50_ms")
        if "p50_ms" in result and before:
            result["p50_vs_scale_1"] = round(result["p50_ms"] / before, 3)


def machine(cfg: Config, seconds: float, rounds: int) -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line
    )
    postgres = _psql(cfg.database_url, "SHOW server_version")
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)  # nosec B603 B607
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "postgresql": postgres,
        "wrk": (wrk_version.stdout or wrk_version.stderr).splitlines()[0] if wrk_version else "",
        "gunicorn_workers": cfg.workers,
        "gunicorn_threads": cfg.worker_threads,
        "wrk_threads": cfg.threads,
        "wrk_connections": cfg.connections,
        "seconds_per_run": seconds,
        "rounds": rounds,
        "scale": cfg.scale,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def table(results: dict) -> str:
    head = f"{'page':<22} {'rps':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} {'x trivial':>10} {'x admin':>8}"
    lines = [head, "-" * len(head)]
    for name, r in results.items():
        if "rps" not in r:
            lines.append(f"{name:<22} {r['error']}")
            continue
        ratio_admin = f"{r['ratio_admin']:.2f}" if r["ratio_admin"] is not None else "-"
        lines.append(
            f"{name:<22} {r['rps']:>9.1f} {r['p50_ms']:>8.2f} {r['p95_ms']:>8.2f} {r['p99_ms']:>8.2f} "
            f"{r['errors']:>7} {r['ratio_trivial']:>10.3f} {ratio_admin:>8}"
        )
    return "\n".join(lines)


def main() -> int:
    cfg = Config()
    started = time.monotonic()
    wrk_path = ensure_wrk()
    seeded = prepare_database(cfg)
    sessions = make_sessions(cfg)
    server = start_server(cfg)
    try:
        statuses = {page.name: smoke(cfg, page, sessions) for page in PAGES}
        for name, status in statuses.items():
            if status != next(p.expect for p in PAGES if p.name == name):
                log(f"{name} answered {status}: left out of the measurement")
        if statuses[TRIVIAL] != 200:
            sys.exit("the trivial view does not answer 200: is BENCH_MODE honoured?")
        measured = [page for page in PAGES if statuses[page.name] == page.expect]
        runs, rounds, seconds = measure(cfg, wrk_path, measured, sessions)
    finally:
        server.terminate()
        server.wait(timeout=30)
    results = summarise(PAGES, runs, statuses)
    report = {
        "pages": results,
        "write": {
            "status": "not run",
            "reason": "the write load (sign in, upload, submit) needs the applicant pages; not part of this runner yet",
        },
        "machine": machine(cfg, seconds, rounds),
        "seed": seeded,
        "command": f"make bench BENCH_SCALE={cfg.scale}",
        "total_seconds": round(time.monotonic() - started, 1),
    }
    compare_with_scale_1(cfg, results)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    RESULTS.write_text(text, encoding="utf-8")
    (RESULTS.parent / f"scale-{cfg.scale}.json").write_text(text, encoding="utf-8")
    print()
    print(table(results))
    print(f"\n{RESULTS.relative_to(ROOT)} written; whole run {report['total_seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
