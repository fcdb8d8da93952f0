"""Run one benchmark step as its own process tree and measure its wall time and peak memory.

With GNU time (`/usr/bin/time -v`) the peak is its "Maximum resident set size": the largest
resident set of any process of the step (dbt, DuckDB and the CLI each run in one process, so
that is the step's). Without it, a small Python wrapper waits for the command and reports
`resource.getrusage(RUSAGE_CHILDREN)`, which is the same number.

A step whose command leaves a process behind to exit on its own (PySpark starts its JVM and does
not wait for it: the JVM exits when the Python process's pipe closes) is measured with the
wrapper as a child subreaper (`whole_tree=True`): the orphan is reparented to the wrapper, which
waits for it, so its CPU time and peak memory count and the wall time ends when it has exited.
GNU time would miss the JVM entirely.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

GNU_TIME = Path("/usr/bin/time")

_WRAPPER = """
import ctypes, os, resource, subprocess, sys, time
if sys.argv[2] == "--whole-tree":
    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    del sys.argv[2]
code = subprocess.call(sys.argv[2:])
deadline = time.monotonic() + 120  # orphans reparented to us: wait for them, within reason
while time.monotonic() < deadline:
    try:
        if os.waitpid(-1, os.WNOHANG) == (0, 0):
            time.sleep(0.2)
    except ChildProcessError:
        break
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as out:
    out.write(f"Maximum resident set size (kbytes): {usage.ru_maxrss}\\n")
    out.write(f"User time (seconds): {usage.ru_utime}\\n")
    out.write(f"System time (seconds): {usage.ru_stime}\\n")
    out.write(f"File system outputs: {usage.ru_oublock}\\n")
sys.exit(code)
"""


@dataclass
class StepResult:
    """What one measured step cost, and the machine's load around it."""

    name: str
    command: list[str]
    status: str  # ok, failed, not available, skipped
    wall_seconds: float | None = None
    peak_rss_mb: float | None = None
    cpu_seconds: float | None = None  # user + system of the process tree
    written_mb: float | None = None  # file system writes (DuckDB's spill files and the database)
    exit_code: int | None = None
    load_before: tuple[float, float, float] | None = None
    load_after: tuple[float, float, float] | None = None
    log: str | None = None
    detail: dict[str, object] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def uptime() -> str:
    """The `uptime` line (load averages over 1, 5 and 15 minutes)."""
    try:
        return subprocess.run(
            ["uptime"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def measure(
    name: str,
    command: list[str],
    log_path: Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    ok_codes: tuple[int, ...] = (0,),
    whole_tree: bool = False,
) -> StepResult:
    """Run `command`, its output to `log_path`; return wall time, peak RSS and CPU time.

    With `whole_tree`, processes the command leaves behind are waited for and counted too."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    stats_path = log_path.with_suffix(".rusage")
    if GNU_TIME.exists() and not whole_tree:
        wrapped = [str(GNU_TIME), "-v", "-o", str(stats_path), *command]
    else:
        tree = ["--whole-tree"] if whole_tree else []
        wrapped = [sys.executable, "-c", _WRAPPER, str(stats_path), *tree, *command]
    load_before = os.getloadavg()
    began = time.perf_counter()
    with log_path.open("w", encoding="utf-8") as log:
        code = subprocess.call(wrapped, stdout=log, stderr=subprocess.STDOUT, cwd=cwd, env=env)
    wall = time.perf_counter() - began
    stats = _read_stats(stats_path)
    return StepResult(
        name=name,
        command=command,
        status="ok" if code in ok_codes else "failed",
        wall_seconds=round(wall, 3),
        peak_rss_mb=round(stats["rss_kb"] / 1024, 1) if "rss_kb" in stats else None,
        cpu_seconds=round(stats.get("user", 0.0) + stats.get("system", 0.0), 2),
        written_mb=round(stats["out_blocks"] * 512 / 2**20, 1) if "out_blocks" in stats else None,
        exit_code=code,
        load_before=tuple(round(x, 2) for x in load_before),
        load_after=tuple(round(x, 2) for x in os.getloadavg()),
        log=str(log_path),
    )


def _read_stats(path: Path) -> dict[str, float]:
    """Peak RSS (kB) and user/system seconds from GNU time's or the wrapper's report."""
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8", errors="replace")
    patterns = {
        "rss_kb": r"Maximum resident set size \(kbytes\): (\d+)",
        "user": r"User time \(seconds\): ([\d.]+)",
        "system": r"System time \(seconds\): ([\d.]+)",
        "out_blocks": r"File system outputs: (\d+)",  # GNU time counts 512-byte blocks
    }
    found = {}
    for key, pattern in patterns.items():
        match = re.search(pattern, text)
        if match:
            found[key] = float(match.group(1))
    return found
