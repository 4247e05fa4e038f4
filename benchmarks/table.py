"""The README's Performance table from results files: `python -m benchmarks.table benchmarks/results/scale-1.json ...`."""

import json
import sys
from pathlib import Path


def _cell(value, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def markdown(path: Path) -> str:
    report = json.loads(path.read_text(encoding="utf-8"))
    machine = report["machine"]
    lines = [
        f"Scale {machine['scale']} (`{report['command']}`), {machine['measured_at']}, load average at start "
        f"{report.get('load_at_start')}, {machine['cpus']} CPUs, {machine['rounds']} rounds of "
        f"{machine['seconds_per_run']:.1f} s per page:",
        "",
        "| page | rps | p50 ms | p95 ms | p99 ms | errors | x trivial | x admin (page) | p50 / scale 1 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, r in report["pages"].items():
        if "rps" not in r:
            lines.append(f"| {name} | {r.get('error', '')} | | | | | | | |")
            continue
        lines.append(
            f"| {name} | {r['rps']:.1f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} "
            f"| {_cell(r['ratio_trivial'], 3)} | {_cell(r['ratio_admin'])} ({r['admin_page']}) "
            f"| {_cell(r.get('p50_vs_scale_1'))} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print("\n\n".join(markdown(Path(arg)) for arg in sys.argv[1:]))
