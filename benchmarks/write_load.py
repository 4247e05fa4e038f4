"""The write load of `make bench`: a few signed-in applicants upload a document and submit, for a while.

Each client is one thread with its own session (made directly for a bench user, so sign-in throttling
and two-factor set-up do not apply) and its own complete drafts. Per draft: open the documents page,
upload a small PDF, open the submit page and submit with the declaration. A submission counts as seen
when the site answers with the redirect to the application's status page. The runner then compares
the submissions stored with those the clients saw succeed.
"""

import re
import statistics
import threading
import time

import requests

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class Client(threading.Thread):
    def __init__(self, base: str, session_key: str, drafts: list[int], until: float):
        super().__init__(daemon=True)
        self.base, self.drafts, self.until = base, drafts, until
        self.http = requests.Session()
        self.http.cookies.set("sessionid", session_key)
        self.submitted: list[int] = []
        self.uploads = 0
        self.failures: list[str] = []
        self.latencies: list[float] = []

    def _call(self, method: str, path: str, **kwargs) -> requests.Response:
        started = time.monotonic()
        answer = self.http.request(method, self.base + path, allow_redirects=False, timeout=30, **kwargs)
        self.latencies.append(time.monotonic() - started)
        token = answer.cookies.get("csrftoken")
        if token:  # the cookie is marked Secure; loopback is plain HTTP, so keep it by hand
            self.http.cookies.set("csrftoken", token)
        return answer

    def _token(self, path: str) -> str:
        answer = self._call("GET", path)
        found = TOKEN.search(answer.text) if answer.status_code == 200 else None
        if not found:
            raise RuntimeError(f"GET {path} answered {answer.status_code} without a form")
        return found.group(1)

    def run(self) -> None:
        for pk in self.drafts:
            if time.monotonic() >= self.until:
                return
            try:
                documents = f"/en/applications/{pk}/documents/"
                token = self._token(documents)
                upload = self._call(
                    "POST",
                    documents,
                    data={"csrfmiddlewaretoken": token, "title": "Assessor qualifications"},
                    files={"file": ("assessors.pdf", PDF, "application/pdf")},
                    headers={"Referer": self.base + documents},
                )
                if upload.status_code != 302:
                    self.failures.append(f"upload {pk}: {upload.status_code}")
                    continue
                self.uploads += 1
                submit = f"/en/applications/{pk}/submit/"
                token = self._token(submit)
                answer = self._call(
                    "POST",
                    submit,
                    data={"csrfmiddlewaretoken": token, "declaration": "on"},
                    headers={"Referer": self.base + submit},
                )
                if answer.status_code == 302 and answer.headers.get("Location", "").endswith(f"/{pk}/status/"):
                    self.submitted.append(pk)
                else:
                    self.failures.append(f"submit {pk}: {answer.status_code}")
            except (requests.RequestException, RuntimeError) as exc:
                self.failures.append(f"{pk}: {exc}")


def run_load(base: str, writers: list[dict], seconds: float) -> dict:
    """Run one client per writer for `seconds`; return what the clients saw."""
    until = time.monotonic() + seconds
    clients = [Client(base, w["session"], w["drafts"], until) for w in writers]
    started = time.monotonic()
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    elapsed = time.monotonic() - started
    latencies = sorted(x for c in clients for x in c.latencies)

    def pct(p: float) -> float | None:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 1) if latencies else None

    return {
        "users": len(clients),
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "rps": round(len(latencies) / elapsed, 1) if elapsed else None,
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "uploads_seen": sum(c.uploads for c in clients),
        "submissions_seen": sum(len(c.submitted) for c in clients),
        "submitted_ids": sorted(pk for c in clients for pk in c.submitted),
        "failures": [f for c in clients for f in c.failures][:20],
        "failure_count": sum(len(c.failures) for c in clients),
    }
