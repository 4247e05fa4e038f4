"""Memory of the full CSV export as its size grows (`python -m benchmarks.csv_memory`, run by `make bench`).

Streams the export's body, as the view builds it, with 1x, 5x and 20x the published appointments
(the extra rows are added in a transaction that is rolled back) and reports the peak Python memory
(tracemalloc) of each: a streamed export keeps it flat whatever the size.
"""

import json
import tracemalloc

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from agencies.models import Appointment  # noqa: E402
from agencies.views_open import appointments_csv  # noqa: E402


class _Rollback(Exception):
    pass


def _measure() -> dict:
    response = appointments_csv(RequestFactory().get("/register/appointments.csv"))
    tracemalloc.start()
    size = rows = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        rows += 1
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"rows": rows - 1, "bytes": size, "peak_kib": round(peak / 1024, 1)}


def main() -> None:
    base = list(Appointment.objects.filter(is_published=True).values())
    results = []
    for factor in (1, 5, 20):
        try:
            with transaction.atomic():
                copies = []
                for _ in range(factor - 1):
                    for row in base:
                        copy = {k: v for k, v in row.items() if k != "id"}
                        copies.append(Appointment(**copy))
                Appointment.objects.bulk_create(copies, batch_size=5000)
                results.append(_measure())
                raise _Rollback
        except _Rollback:
            pass
    print(json.dumps(results))


if __name__ == "__main__":
    main()
