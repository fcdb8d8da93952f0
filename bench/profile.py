"""Profile the package's models on a benchmark database with DuckDB's EXPLAIN ANALYZE.

    .venv/bin/python bench/profile.py [--workdir bench/work] [--full-refresh] MODEL [MODEL ...]

Compiles each model with dbt in the benchmark's project (`--full-refresh` gives the SQL of a full
build, without it the SQL of an incremental run), runs the compiled SELECT under EXPLAIN ANALYZE
against the benchmark's DuckDB file (read-only) and prints the slowest operators with their row
counts. The full plans are written next to the logs (workdir/logs/profile_MODEL.txt/.json).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb

BENCH_DIR = Path(__file__).resolve().parent
TOP_OPERATORS = 12


def _compile(workdir: Path, model: str, full_refresh: bool) -> str:
    project = workdir / "project"
    env = dict(os.environ, DBT_PROFILES_DIR=str(workdir), DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    command = [str(Path(sys.executable).parent / "dbt"), "compile", "--project-dir", str(project),
               "--profiles-dir", str(workdir), "-s", model, "--quiet"]  # fmt: skip
    if full_refresh:
        command.append("--full-refresh")
    subprocess.run(command, env=env, check=True, cwd=project, stdout=subprocess.DEVNULL)
    found = list((project / "target" / "compiled").rglob(f"{model}.sql"))
    if not found:
        raise SystemExit(f"profile: no compiled SQL for {model} under {project}/target/compiled")
    return found[0].read_text(encoding="utf-8")


def _operators(node: dict, depth: int = 0) -> list[tuple[float, int, int, str, str]]:
    """(seconds, rows out, depth, operator, detail) for every operator of a JSON plan."""
    info = node.get("extra_info") or {}
    detail = " ".join(f"{k}={v}" for k, v in info.items() if k != "Estimated Cardinality")
    row = (float(node.get("timing") or 0), int(node.get("intermediate_rows") or 0), depth,
           str(node.get("name", "?")), " ".join(detail.split())[:200])  # fmt: skip
    out = [row]
    for child in node.get("children", []):
        out += _operators(child, depth + 1)
    return out


def profile(workdir: Path, model: str, full_refresh: bool, threads: int | None) -> None:
    """Print the slowest operators of one model's compiled SQL; write the whole plan to logs/."""
    sql = _compile(workdir, model, full_refresh).strip().rstrip(";")
    logs = workdir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(workdir / "bench.duckdb"), read_only=True) as con:
        if threads:
            con.execute(f"set threads = {threads}")
        began = time.perf_counter()
        plan = json.loads(con.execute(f"explain (analyze, format json) {sql}").fetchall()[0][1])
        seconds = time.perf_counter() - began
    kind = "full" if full_refresh else "incremental"
    (logs / f"profile_{model}_{kind}.json").write_text(json.dumps(plan, indent=1), encoding="utf-8")
    operators = [op for root in plan.get("operator", []) for op in _operators(root)]
    text = [f"{'  ' * d}{name} {t:.3f}s {n:,} rows {detail}" for t, n, d, name, detail in operators]
    (logs / f"profile_{model}_{kind}.txt").write_text("\n".join(text) + "\n", encoding="utf-8")
    print(f"{model} ({kind}): {seconds:.1f}s; slowest operators (seconds summed over threads):")
    for op_seconds, rows, depth, name, detail in sorted(operators, reverse=True)[:TOP_OPERATORS]:
        print(f"  {op_seconds:8.2f}s {rows:>12,} rows  depth {depth:<3} {name:<22} {detail}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+")
    parser.add_argument("--workdir", type=Path, default=BENCH_DIR / "work")
    parser.add_argument("--full-refresh", action="store_true")
    parser.add_argument("--threads", type=int)
    args = parser.parse_args(argv)
    for model in args.models:
        profile(args.workdir.resolve(), model, args.full_refresh, args.threads)


if __name__ == "__main__":
    main()
