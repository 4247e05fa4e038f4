"""PostgreSQL restarted under a running site: errors only while it restarts, the site recovers by
itself (persistent connections are health-checked), and every write it confirmed is still there.

The database is a private cluster started for this test, so the shared server is never touched.
"""

import http.client
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from .cluster import REPO, Cluster, gunicorn, manage, missing_binaries, seed, site_env

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(missing_binaries()), reason=missing_binaries() or "ready"),
]

# A restart under load (requests fail while it happens), then a quiet one (no request in flight:
# every persistent connection of the site goes stale, and only the health check saves the next request).
RESTARTS = ("under load", "quiet")
BEFORE = 20  # confirmed writes before each restart
AFTER = 20  # successful requests after each restart before the next step
LOOP_LIMIT = 120.0  # seconds the whole loop may take before the test gives up


@dataclass
class Attempt:
    kind: str
    token: str
    started: float
    ended: float
    status: int | None
    ok: bool
    error: str = ""


@pytest.fixture(scope="module")
def site():
    cluster = Cluster()
    try:
        cluster.init()
        cluster.start()
        env = site_env(cluster.create_database("qf_restart"))
        manage(env, "migrate", "--noinput")
        ids = seed(env)
        with gunicorn(env) as (base, process):
            yield cluster, base, process, ids
    finally:
        cluster.remove()


def _request(base: str, method: str, path: str, session: str, body: dict | None = None):
    csrf = secrets.token_hex(32)
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Cookie": f"sessionid={session}; csrftoken={csrf}", "X-CSRFToken": csrf}
    data = None
    if body is not None:
        data = urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        conn.close()


def test_postgres_restart_loses_nothing_and_needs_no_site_restart(site):
    cluster, base, process, ids = site
    attempts: list[Attempt] = []
    lock = threading.Lock()
    stop = threading.Event()
    running = threading.Event()
    running.set()
    parked: set[int] = set()

    def client(number: int):
        n = 0
        while not stop.is_set():
            if not running.is_set():
                with lock:
                    parked.add(number)
                running.wait()
                with lock:
                    parked.discard(number)
                continue
            n += 1
            write = n % 2 == 1
            token = f"restart-write-{number}-{n}" if write else ""
            started = time.monotonic()
            status, ok, error = None, False, ""
            try:
                if write:
                    status, location = _request(
                        base,
                        "POST",
                        "/en/applications/new/rpl/",
                        ids["session"],
                        {
                            "organisation": ids["organisation"],
                            "kind": "new",
                            "industry": ids["industry"],
                            "fee_policy": token,
                        },
                    )
                    ok = status == 302 and re.fullmatch(r"/en/applications/\d+/", location) is not None
                else:
                    status, _location = _request(base, "GET", "/en/applications/", ids["session"])
                    ok = status == 200
            except (OSError, http.client.HTTPException) as exc:
                error = repr(exc)
            with lock:
                attempts.append(
                    Attempt("write" if write else "read", token, started, time.monotonic(), status, ok, error)
                )

    def successes_since(moment: float) -> int:
        with lock:
            return sum(1 for a in attempts if a.ok and a.started >= moment)

    def wait_for(count: int, since: float, deadline: float) -> None:
        while successes_since(since) < count:
            assert time.monotonic() < deadline, f"fewer than {count} successful requests: the site did not recover"
            time.sleep(0.05)

    def park_clients() -> None:
        running.clear()
        while True:
            with lock:
                if len(parked) == len(threads):
                    return
            assert time.monotonic() < deadline, "the clients did not pause"
            time.sleep(0.02)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(3)]
    loop_started = time.monotonic()
    deadline = loop_started + LOOP_LIMIT
    for thread in threads:
        thread.start()
    windows: list[tuple[float, float]] = []
    try:
        wait_for(BEFORE, loop_started, deadline)
        for how in RESTARTS:
            if how == "quiet":
                park_clients()
            began = time.monotonic()
            cluster.restart()
            windows.append((began, time.monotonic()))
            running.set()
            wait_for(AFTER, windows[-1][1], deadline)
    finally:
        stop.set()
        running.set()
        for thread in threads:
            thread.join(timeout=40)

    def in_window(a: Attempt) -> bool:
        return any(a.started <= end and a.ended >= began for began, end in windows)

    failures = [a for a in attempts if not a.ok]
    outside = [a for a in failures if not in_window(a)]
    assert outside == [], "errors outside the restart windows"
    # A failure is a 500 or 503 answered by the site, or a connection the database dropped under it.
    assert {a.status for a in failures} <= {None, 500, 503}
    assert all(a.error == "" for a in failures), "the site itself never stopped answering"
    assert process.poll() is None, "the site was never restarted"

    confirmed = {a.token for a in attempts if a.kind == "write" and a.ok}
    stored = {row[0] for row in cluster.query("qf_restart", "SELECT fee_policy FROM applications_application")}
    lost = confirmed - stored
    assert lost == set()
    unconfirmed_written = {a.token for a in failures if a.kind == "write"} & stored
    assert stored == confirmed | unconfirmed_written

    recoveries = []
    for _began, end in windows:
        first = min((a.ended for a in attempts if a.ok and a.started >= end), default=None)
        recoveries.append(round(first - end, 3) if first is not None else None)
    report = {
        "requests_sent": len(attempts),
        "writes_confirmed": len(confirmed),
        "restarts": list(RESTARTS),
        "restart_seconds": [round(end - began, 3) for began, end in windows],
        "errors_during_restarts": len(failures),
        "errors_per_restart": [
            sum(1 for a in failures if a.started <= end and a.ended >= began) for began, end in windows
        ],
        "error_statuses": sorted({str(a.status) for a in failures}),
        "errors_outside_restarts": len(outside),
        "seconds_from_restart_done_to_first_success": recoveries,
        "writes_lost": len(lost),
        "failed_writes_that_were_committed": len(unconfirmed_written),
    }
    artifact = REPO / "test-artifacts" / "faults"
    artifact.mkdir(parents=True, exist_ok=True)
    Path(artifact / "postgres-restart.json").write_text(json.dumps(report, indent=2))
    print("postgres restart:", json.dumps(report))
