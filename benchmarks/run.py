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
WRITE_USERS, WRITE_DRAFTS = 10, 250  # as benchmarks/seeders.py makes them
WRITE_SECONDS = float(os.environ.get("BENCH_WRITE_SECONDS", "60"))


@dataclass(frozen=True)
class Page:
    """A page to measure: `role` None is anonymous; `admin` names the admin page over the same rows.

    `path` and `headers` may name values found at run time ({application}, {etag_register}, ...: see
    SESSIONS_SCRIPT and main); `server` "nocache" is the second gunicorn, whose register response cache is off.
    """

    name: str
    path: str
    role: str | None = None
    admin: str = "admin_appointments"
    headers: tuple[str, ...] = ()
    expect: int = 200
    server: str = "main"


TRIVIAL = "trivial"
QUEUE_STATES = "submitted,screening,returned,under_review,recommended"
# The pages measured. Add each new page here: (name, path, role, the admin page it replaces).
PAGES = [
    Page(TRIVIAL, "/bench/trivial"),
    Page("register", "/en/register/"),
    Page("register_filtered", "/en/register/?industry={industry}"),
    Page("register_304", "/en/register/", headers=("If-None-Match: {etag_register}",), expect=304),
    Page("register_nocache", "/en/register/", server="nocache"),
    Page("register_filtered_nocache", "/en/register/?industry={industry}", server="nocache"),
    Page("export_json", "/register/appointments.json"),
    Page("export_csv", "/register/appointments.csv"),
    Page("agency", "/en/register/agencies/{agency}/"),
    Page("applicant_dashboard", "/en/dashboard/", role="applicant", admin="admin_applications"),
    Page("application_status", "/en/applications/{application}/status/", role="applicant", admin="admin_applications"),
    Page("reviewer_queue", "/en/review/assignments/", role="reviewer", admin="admin_assignments"),
    Page("scoring_form", "/en/review/assignments/{assignment}/", role="reviewer", admin="admin_assignments"),
    Page("case_queue", "/en/review/", role="case_officer", admin="admin_applications"),
    Page("approver_queue", "/en/review/approvals/", role="approver", admin="admin_approvals"),
    # the management information: issue 17 asks it to answer within 3 times the case queue's time
    Page("management_dashboard", "/en/management/", role="bureau_manager", admin="admin_applications"),
    Page("admin_appointments", "/en/admin/agencies/appointment/", role="superuser"),
    Page(
        "admin_applications",
        f"/en/admin/applications/application/?state__in={QUEUE_STATES}",
        role="superuser",
        admin="admin_applications",
    ),
    Page(
        "admin_approvals",
        "/en/admin/applications/application/?state__exact=recommended",
        role="superuser",
        admin="admin_approvals",
    ),
    Page(
        "admin_assignments",
        "/en/admin/reviews/reviewassignment/?reviewer__exact={reviewer}",
        role="superuser",
        admin="admin_assignments",
    ),
]
# Users the bench signs in (one session each), made by seed_bench (benchmarks/seeders.py).
ROLES = ["superuser", "applicant", "case_officer", "reviewer", "approver", "register_admin", "bureau_manager"]


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
    expected = str(20_000 * cfg.scale + WRITE_USERS * WRITE_DRAFTS)
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
        # Document rows without files: no measured page reads them, and writing 600,000 small files
        # would take most of the time budget at scale 10.
        command = [PYTHON, "manage.py", "seed_bench", "--scale", str(cfg.scale), "--no-files"]
        output = run(command, env, capture_output=True).stdout
        print(output, end="")
        seeded = {"seconds": round(time.monotonic() - started, 1), "log": output.strip().splitlines()}
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    return seeded


SESSIONS_SCRIPT = """
import json, time
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import User
from agencies.models import Appointment, Industry
from applications.models import Application
from benchmarks.seeders import WRITE_USERS, persona_email, writer_email
from reviews.models import ReviewAssignment

def session_for(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["_qf_last_seen"] = session["_qf_signed_in_at"] = int(time.time())
    session.create()
    return session.session_key

users = {role: User.objects.get(email=persona_email(role)) for role in json.loads(%(roles)r)}
keys = {role: session_for(user) for role, user in users.items()}
applicant_org = users["applicant"].memberships.get().organisation_id
ids = {
    "application": Application.objects.filter(organisation_id=applicant_org, state="under_review").order_by("pk")[0].pk,
    "assignment": ReviewAssignment.objects.filter(reviewer=users["reviewer"], state="accepted").order_by("pk")[0].pk,
    "reviewer": users["reviewer"].pk,
    "agency": Appointment.objects.filter(is_published=True, cancelled_on__isnull=True).order_by("pk")[0].agency_id,
    "industry": Industry.objects.filter(appointments__is_published=True).order_by("code")[0].code,
}
writers = []
for number in range(1, WRITE_USERS + 1):
    user = User.objects.get(email=writer_email(number))
    drafts = list(Application.objects.filter(created_by=user, state="draft").order_by("pk").values_list("pk", flat=True))
    writers.append({"session": session_for(user), "drafts": drafts})
print(json.dumps({"sessions": keys, "ids": ids, "writers": writers}))
"""


def make_sessions(cfg: Config) -> dict:
    script = SESSIONS_SCRIPT % {"roles": json.dumps(ROLES)}
    output = run([PYTHON, "-c", script], site_env(cfg), capture_output=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def start_server(cfg: Config, port: int, **extra_env: str) -> subprocess.Popen:
    command = [GUNICORN, "qfapp.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(cfg.workers)]
    command += ["--threads", str(cfg.worker_threads), "--log-level", "warning", "--timeout", "60"]
    log(f"gunicorn with {cfg.workers} workers on 127.0.0.1:{port} {extra_env or ''}")
    env = {**site_env(cfg), **extra_env}
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603  # nosec B603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn stopped during start-up")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:  # noqa: S310  # nosec B310
                if answer.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    server.terminate()
    sys.exit(f"gunicorn did not answer /healthz on port {port} within 60 s")


@dataclass
class Run:
    """What the pages need at run time: sessions per role and values for their paths and headers."""

    cfg: Config
    sessions: dict[str, str]
    values: dict[str, str]

    def url(self, page: Page) -> str:
        port = self.cfg.port + (1 if page.server == "nocache" else 0)
        return f"http://127.0.0.1:{port}" + page.path.format(**self.values)

    def headers(self, page: Page) -> list[str]:
        headers = [header.format(**self.values) for header in page.headers]
        if page.role:
            headers.append(f"Cookie: sessionid={self.sessions[page.role]}")
        return headers


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(ctx: Run, page: Page) -> tuple[int, dict]:
    request = urllib.request.Request(ctx.url(page))  # noqa: S310 - loopback
    for header in ctx.headers(page):
        name, value = header.split(": ", 1)
        request.add_header(name, value)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as answer:
            answer.read()
            return answer.status, dict(answer.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers)


def wrk(ctx: Run, wrk_path: str, page: Page, seconds: float) -> dict:
    cfg = ctx.cfg
    command = [wrk_path, f"-t{cfg.threads}", f"-c{cfg.connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s"]
    command += ["--latency", "-s", str(LUA)]
    for header in ctx.headers(page):
        command += ["-H", header]
    command.append(ctx.url(page))
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # nosec B603  # noqa: S603
    line = next(line for line in output.splitlines() if line.startswith("BENCHJSON "))
    data = json.loads(line.removeprefix("BENCHJSON "))
    data["rps"] = data["requests"] / (data["duration_us"] / 1_000_000)
    return data


def measure(ctx: Run, wrk_path: str, pages: list[Page]) -> tuple[dict, int, float]:
    cfg = ctx.cfg
    seconds = max(2.0, min(cfg.seconds, cfg.budget / (cfg.rounds * len(pages) + len(pages))))
    log(f"warm-up, then {cfg.rounds} rounds of {len(pages)} pages x {seconds:.0f} s")
    for page in pages:
        wrk(ctx, wrk_path, page, 1)
    runs: dict[str, list[dict]] = {page.name: [] for page in pages}
    deadline = time.monotonic() + cfg.budget
    rounds_done = 0
    for number in range(cfg.rounds):
        if time.monotonic() + seconds * len(pages) > deadline:
            log("time budget reached: stopping the rounds")
            break
        order = pages[number % len(pages) :] + pages[: number % len(pages)]  # interleaved, rotated
        for page in order:
            runs[page.name].append(wrk(ctx, wrk_path, page, seconds))
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
    for page in pages:
        result = results[page.name]
        if "rps" not in result:
            continue
        # Each ratio is the median over the rounds of the ratio within the round, so a change of the
        # machine's load between rounds (other work on it) does not skew it.
        result["rps_rounds"] = [round(s["rps"], 1) for s in runs[page.name]]
        result["ratio_trivial"] = _ratio(runs[page.name], runs.get(TRIVIAL))
        result["ratio_admin"] = _ratio(runs[page.name], runs.get(page.admin))
        result["admin_page"] = page.admin
    return results


def _ratio(samples: list[dict], reference: list[dict] | None) -> float | None:
    pairs = [a["rps"] / b["rps"] for a, b in zip(samples, reference or [], strict=False) if b["rps"]]
    return round(statistics.median(pairs), 3) if pairs else None


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


STORED_SCRIPT = """
import json
import django
django.setup()
from applications.models import Application
ids = json.loads(%(ids)r)
stored = Application.objects.filter(pk__in=ids, state="submitted", reference__isnull=False)
submitted = Application.objects.filter(created_by__email__startswith="bench-writer-", state="submitted")
print(json.dumps({"stored_ids": sorted(submitted.values_list("pk", flat=True)), "seen_stored": stored.count()}))
"""


def write_load(ctx: Run, writers: list[dict]) -> dict:
    from benchmarks.write_load import run_load

    log(f"write load: {len(writers)} users for {WRITE_SECONDS:.0f} s (upload, submit)")
    seen = run_load(f"http://127.0.0.1:{ctx.cfg.port}", writers, WRITE_SECONDS)
    ids = seen.pop("submitted_ids")
    script = STORED_SCRIPT % {"ids": json.dumps(ids)}
    stored = json.loads(run([PYTHON, "-c", script], site_env(ctx.cfg), capture_output=True).stdout.splitlines()[-1])
    seen["submissions_stored"] = len(stored["stored_ids"])
    seen["stored_equal_seen"] = stored["stored_ids"] == ids and stored["seen_stored"] == len(ids)
    seen["status"] = "ok" if seen["stored_equal_seen"] and seen["submissions_seen"] else "failed"
    return seen


def csv_memory(cfg: Config) -> dict:
    output = run([PYTHON, "-m", "benchmarks.csv_memory"], site_env(cfg), capture_output=True).stdout
    sizes = json.loads(output.strip().splitlines()[-1])
    # The export reads 500 rows at a time: memory grows until the first full chunk, then stays flat
    # (20x the rows need no more than 5x).
    return {"sizes": sizes, "flat": sizes[-1]["peak_kib"] <= 1.25 * sizes[-2]["peak_kib"]}


def main() -> int:
    cfg = Config()
    started = time.monotonic()
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    log(f"load average at start: {load_at_start}")
    sys.path.insert(0, str(ROOT))
    wrk_path = ensure_wrk()
    seeded = prepare_database(cfg)
    made = make_sessions(cfg)
    ctx = Run(cfg, made["sessions"], made["ids"])
    servers = [start_server(cfg, cfg.port), start_server(cfg, cfg.port + 1, REGISTER_RESPONSE_CACHE="0")]
    try:
        register = next(page for page in PAGES if page.name == "register")
        ctx.values["etag_register"] = fetch(ctx, register)[1].get("ETag", "")
        statuses = {page.name: fetch(ctx, page)[0] for page in PAGES}
        for name, status in statuses.items():
            if status != next(p.expect for p in PAGES if p.name == name):
                log(f"{name} answered {status}: left out of the measurement")
        if statuses[TRIVIAL] != 200:
            sys.exit("the trivial view does not answer 200: is BENCH_MODE honoured?")
        measured = [page for page in PAGES if statuses[page.name] == page.expect]
        runs, rounds, seconds = measure(ctx, wrk_path, measured)
        alone = servers.pop()  # the write load runs alone
        alone.terminate()
        alone.wait(timeout=30)
        write = write_load(ctx, made["writers"]) if WRITE_SECONDS > 0 else {"status": "not run"}
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    results = summarise(PAGES, runs, statuses)
    log("CSV export memory at 1x, 5x and 20x the rows")
    report = {
        "pages": results,
        "write": write,
        "csv_memory": csv_memory(cfg),
        "machine": machine(cfg, seconds, rounds),
        "load_at_start": load_at_start,
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
    print(f"write load: {json.dumps(write)}")
    print(f"CSV export memory: {json.dumps(report['csv_memory'])}")
    print(f"\n{RESULTS.relative_to(ROOT)} written; whole run {report['total_seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
