"""CLI start-up time: `model-monitor drift` and `performance` on the demo, several runs each.

    .venv/bin/python bench/cli_startup.py [--workdir model_monitor_demo] [--runs 7]
        [--command drift --command performance] [--imports] [--out startup.json]

Needs a built demo (`bash scripts/demo.sh`, or `.venv/bin/model-monitor demo --workdir DIR`).
Each run is its own process, measured by measure.py (GNU time): prints the median and the
fastest wall time and CPU time (user + system) of each command with the load average around the
runs. On a loaded machine the wall time says more about the neighbours than about the CLI: read
the CPU time. `--imports` adds where one run's imports go (`python -X importtime`, self time
summed per top-level package). See docs/design.md, "Start-up time".
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import measure  # noqa: E402

CHECKOUT = BENCH_DIR.parent
CLI = Path(sys.executable).parent / "model-monitor"
COMMANDS = ("drift", "performance")
TARGET_SECONDS = 3.0  # issue 13: a drift or performance call on the demo under 3 s


def main() -> None:
    """Parse the options, time each command, print the table, write JSON when asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("model_monitor_demo"))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--command", action="append", choices=COMMANDS, dest="commands")
    parser.add_argument("--imports", action="store_true", help="Also break one run's imports down.")
    parser.add_argument("--out", type=Path, default=None, help="Write the figures as JSON.")
    args = parser.parse_args()
    workdir = args.workdir.resolve()
    project = workdir / "project"
    if not (project / "target" / "manifest.json").is_file():
        sys.exit(
            f"cli_startup: no built demo in {workdir}; run `{CLI} demo --workdir {workdir}` first"
        )
    where = ["--project-dir", str(project), "--profiles-dir", str(workdir)]
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    results = {}
    with tempfile.TemporaryDirectory() as logs:
        for command in args.commands or COMMANDS:
            steps = [
                measure.measure(
                    command, [str(CLI), command, *where], Path(logs) / f"{command}-{n}.log", env=env
                )
                for n in range(args.runs)
            ]
            failed = [s for s in steps if s.status != "ok"]
            if failed:
                sys.exit(f"cli_startup: {command} failed:\n{Path(failed[0].log).read_text()}")
            results[command] = _summary(steps)
    print(f"model-monitor start-up on {project} ({args.runs} runs each; {measure.uptime()})")
    print(f"{'command':<12} {'wall median':>11} {'wall min':>9} {'CPU median':>11} {'CPU min':>8}")
    for command, row in results.items():
        print(
            f"{command:<12} {row['wall_median']:>10.2f}s {row['wall_min']:>8.2f}s "
            f"{row['cpu_median']:>10.2f}s {row['cpu_min']:>7.2f}s"
        )
    print(f"target: under {TARGET_SECONDS:.0f} s wall; on a quiet machine wall ~ CPU time")
    if args.imports:
        imports = import_breakdown([str(CLI), "drift", *where], env)
        print("\nimports of one `drift` run, self time per top-level package (under load):")
        for package, seconds in imports[:12]:
            print(f"  {package:<28} {seconds:6.2f}s")
        results["imports"] = dict(imports)
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")


def _summary(steps: list[measure.StepResult]) -> dict[str, object]:
    """Median and minimum of the wall and CPU times, and the load before the first run."""
    walls = [s.wall_seconds or 0.0 for s in steps]
    cpus = [s.cpu_seconds or 0.0 for s in steps]
    return {
        "wall_median": statistics.median(walls),
        "wall_min": min(walls),
        "cpu_median": statistics.median(cpus),
        "cpu_min": min(cpus),
        "wall": walls,
        "cpu": cpus,
        "load_before": steps[0].load_before,
        "load_after": steps[-1].load_after,
    }


def import_breakdown(command: list[str], env: dict[str, str]) -> list[tuple[str, float]]:
    """Seconds of import self time per top-level package in one run, largest first."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", *command],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    totals: dict[str, float] = {}
    for line in run.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _cumulative, name = line.removeprefix("import time:").split("|")
        package = name.strip().split(".")[0]
        totals[package] = totals.get(package, 0.0) + int(self_us) / 1e6
    return sorted(totals.items(), key=lambda item: -item[1])


if __name__ == "__main__":
    main()
