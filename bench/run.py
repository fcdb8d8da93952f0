"""The benchmark, one command: generate a scenario, build it with dbt, run the CLI and the peer.

    .venv/bin/python bench/run.py [--rows N | --large] [--skip-peer] [--out bench/results.json]

Each measured step is its own process (see measure.py): a full `dbt build` of the package on 30
days of predictions, `model-monitor evaluate` on the result, Evidently's data drift and
classification reports on the same data in bench/.venv, then one more day appended and an
incremental `dbt build`. Prints a table of wall times, peak memory and ratios, writes it as JSON.
See docs/benchmark.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import numpy as np

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import measure  # noqa: E402
import report  # noqa: E402
import scenario  # noqa: E402
from peer_env import EVIDENTLY, PeerEnvError  # noqa: E402

CHECKOUT = BENCH_DIR.parent
PACKAGE_DIR = CHECKOUT / "dbt_project"
PROJECT_TEMPLATE = BENCH_DIR / "project"
PROFILE = "model_monitor_bench"
DEFAULT_ROWS = 1_000_000
LARGE_ROWS = 10_000_000
DBT_THREADS = 2  # the machine's cores; DuckDB parallelises each query on its own
SLOWEST_MODELS = 8


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="predictions in 30 days")
    parser.add_argument("--large", action="store_true", help=f"{LARGE_ROWS:,} predictions")
    parser.add_argument("--skip-peer", action="store_true", help="do not run the Evidently peer")
    parser.add_argument(
        "--peer-per-window",
        action="store_true",
        help="also run the peer per daily window and slice value, as the package computes",
    )
    parser.add_argument(
        "--only-peer-per-window",
        action="store_true",
        help="generate the data and run only the peer per window and slice (no dbt, no CLI), "
        "for --peer-per-window-from",
    )
    parser.add_argument(
        "--peer-per-window-from",
        type=Path,
        help="a results JSON of an --only-peer-per-window run on the same rows and seed: "
        "its per-window step is reported with this run's (it takes hours at 10M)",
    )
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "results.json")
    parser.add_argument("--workdir", type=Path, default=BENCH_DIR / "work")
    parser.add_argument("--seed", type=int, default=scenario.SEED)
    parser.add_argument(
        "--memory-limit",
        help="DuckDB memory_limit for the dbt builds, e.g. 4GB (default: DuckDB's, 80%% of RAM)",
    )
    parser.add_argument(
        "--dbt-threads",
        type=int,
        default=DBT_THREADS,
        help=f"models dbt builds at once (default {DBT_THREADS}); 1 lowers peak memory",
    )
    parser.add_argument(
        "--baseline", type=Path, help="a results JSON of another size: judge the scaling targets"
    )
    parser.add_argument(
        "--report",
        type=Path,
        help="run nothing: print (and rejudge) a results JSON written before; with "
        "--peer-per-window-from, add that per-window step to it",
    )
    args = parser.parse_args(argv)
    if args.large:
        args.rows = LARGE_ROWS
    if args.rows < scenario.HISTORY_DAYS:
        parser.error(f"--rows must be at least {scenario.HISTORY_DAYS}")
    if args.only_peer_per_window and args.skip_peer:
        parser.error("--only-peer-per-window and --skip-peer exclude each other")
    if args.peer_per_window_from and (args.peer_per_window or args.only_peer_per_window):
        parser.error("--peer-per-window-from replaces --peer-per-window")
    args.peer_per_window = args.peer_per_window or args.only_peer_per_window
    return args


def _prepare(workdir: Path, memory_limit: str | None, threads: int) -> tuple[Path, Path]:
    """A fresh copy of the bench project, its packages.yml and profile; no old database."""
    project = workdir / "project"
    if project.exists():
        shutil.rmtree(project)
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(PROJECT_TEMPLATE, project)
    (project / "packages.yml").write_text(
        f'packages:\n  - local: "{PACKAGE_DIR}"\n', encoding="utf-8"
    )
    database = workdir / "bench.duckdb"
    for stale in (database, database.with_name(database.name + ".wal")):
        stale.unlink(missing_ok=True)
    (workdir / "profiles.yml").write_text(
        f"{PROFILE}:\n  target: duckdb\n  outputs:\n    duckdb:\n      type: duckdb\n"
        f'      path: "{database}"\n      threads: {threads}\n'
        + (
            f'      settings:\n        memory_limit: "{memory_limit}"\n'
            # DuckDB's advice under a tight limit; the tables' row order carries no meaning
            "        preserve_insertion_order: false\n"
            if memory_limit
            else ""
        ),
        encoding="utf-8",
    )
    return project, database


def _env(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DBT_PROFILES_DIR=str(workdir), DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    return env


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def _json_tail(log: str | None) -> dict:
    """The last line of a step's log, as JSON (the generator and the peer print one)."""
    if not log:
        return {}
    lines = Path(log).read_text(encoding="utf-8", errors="replace").strip().splitlines()
    try:
        return json.loads(lines[-1]) if lines else {}
    except json.JSONDecodeError:
        return {}


def _dbt_timing(project: Path, keep_as: Path) -> list[dict]:
    """The slowest nodes of the last dbt run (run_results.json), kept next to the logs."""
    source = project / "target" / "run_results.json"
    if not source.exists():
        return []
    shutil.copy(source, keep_as)
    results = json.loads(source.read_text(encoding="utf-8")).get("results", [])
    slowest = sorted(results, key=lambda r: r.get("execution_time", 0), reverse=True)
    return [
        {"node": r["unique_id"], "seconds": round(r.get("execution_time", 0), 2)}
        for r in slowest[:SLOWEST_MODELS]
    ]


def _evaluate_available(env: dict[str, str]) -> bool:
    """`model-monitor evaluate` exists in this checkout's CLI."""
    probe = [_bin("model-monitor"), "evaluate", "--help"]
    return (
        subprocess.call(probe, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env) == 0
    )


def _table_sizes(database: Path) -> dict[str, int]:
    with duckdb.connect(str(database), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_name like 'monitor%' order by table_name"
        ).fetchall()
        return {
            name: con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
            for schema, name in tables
        }


def run(args: argparse.Namespace, say=print) -> dict:
    """Every step in order; returns the result document."""
    workdir = args.workdir.resolve()
    logs = workdir / "logs"
    project, database = _prepare(workdir, args.memory_limit, args.dbt_threads)
    env = _env(workdir)
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    say(f"bench: {args.rows:,} predictions in {workdir}; {measure.uptime()}")
    peer_ready = None
    if not args.skip_peer:
        try:
            say(f"bench: peer environment: {EVIDENTLY.ensure(logs / 'peer_env.log')}")
            peer_ready = True
        except PeerEnvError as error:
            say(str(error))
            peer_ready = False
    steps: list[measure.StepResult] = []
    detail: dict[str, object] = {}

    def step(name: str, command: list[str], **kwargs) -> measure.StepResult:
        load = measure.uptime()
        say(f"bench: {name} ... ({load})")
        result = measure.measure(name, command, logs / f"{len(steps):02d}_{name.split()[0]}.log",
                                 cwd=project, env=env, **kwargs)  # fmt: skip
        result.detail["uptime_before"] = load
        steps.append(result)
        say(f"bench:   {result.status}: {result.wall_seconds:.1f}s, peak {result.peak_rss_mb} MB")
        return result

    py = sys.executable
    gen = step(report.GENERATE, [py, str(BENCH_DIR / "scenario.py"), "generate", str(database),
                                 str(args.rows), str(args.seed)])  # fmt: skip
    gen.detail.update(_json_tail(gen.log))
    if gen.status != "ok":
        raise SystemExit(f"bench: generating the scenario failed (log: {gen.log})")
    deps = subprocess.call([_bin("dbt"), "deps", "--project-dir", str(project)], env=env,
                           stdout=subprocess.DEVNULL, cwd=project)  # fmt: skip
    if deps:
        raise SystemExit(f"bench: dbt deps failed in {project}")
    dbt_build = [
        _bin("dbt"),
        "build",
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(workdir),
    ]
    if args.only_peer_per_window:
        steps += _peers(args, step, peer_ready, database, pooled=False)
        return _document(args, started, gen, steps, detail, database)
    full = step(report.FULL, dbt_build)
    detail["dbt_timing_full"] = _dbt_timing(project, logs / "run_results_full.json")
    history_end = scenario.START + np.timedelta64(scenario.HISTORY_DAYS, "D")
    now = str(history_end + np.timedelta64(1, "h")).replace("T", " ")[:19]
    if full.status != "ok":
        say(f"bench: the full build failed (log: {full.log}); later steps skipped")
    elif _evaluate_available(env):
        step(report.EVALUATE, [_bin("model-monitor"), "evaluate", "--project-dir", str(project),
                               "--profiles-dir", str(workdir), "--dry-run", "--format", "json",
                               "--now", now], ok_codes=(0, 1))  # fmt: skip
    else:
        steps.append(measure.StepResult(report.EVALUATE, [], "not available"))
    steps += _peers(args, step, peer_ready, database)
    if args.peer_per_window_from:
        steps.append(_borrowed_per_window(args))
    if full.status == "ok":
        detail["monitor_table_rows_full"] = _table_sizes(database)
        append = subprocess.run([py, str(BENCH_DIR / "scenario.py"), "append", str(database)],
                                capture_output=True, text=True, check=True)  # fmt: skip
        detail["appended"] = json.loads(append.stdout.strip().splitlines()[-1])
        step(report.INCREMENTAL, dbt_build)
        detail["dbt_timing_incremental"] = _dbt_timing(project, logs / "run_results_inc.json")
        detail["monitor_table_rows_incremental"] = _table_sizes(database)
    return _document(args, started, gen, steps, detail, database)


def _peers(
    args, step, peer_ready: bool | None, database: Path, pooled: bool = True
) -> list[measure.StepResult]:
    """The pooled peer and, with --peer-per-window, the peer at the package's grain."""
    if args.skip_peer:
        return [measure.StepResult(report.PEER, [], "skipped")]
    if not peer_ready:
        return [measure.StepResult(report.PEER, [], "not available")]
    if pooled:
        peer = step(report.PEER, [str(EVIDENTLY.python), str(BENCH_DIR / "peer.py"), str(database)])
        peer.detail.update(_json_tail(peer.log))
    if args.peer_per_window:
        windows = step(report.PEER_WINDOWS, [str(EVIDENTLY.python), str(BENCH_DIR / "peer.py"),
                                             str(database), "--per-window"])  # fmt: skip
        windows.detail.update(_json_tail(windows.log))
    return []  # step() already recorded them


def _borrowed_per_window(args: argparse.Namespace) -> measure.StepResult:
    """The per-window peer step of an earlier run on identical data (same rows and seed)."""
    other = json.loads(args.peer_per_window_from.read_text(encoding="utf-8"))
    same = (other["meta"]["rows"], other["meta"]["seed"]) == (args.rows, args.seed)
    found = _find_step(other["steps"], report.PEER_WINDOWS)
    if not same or found is None:
        raise SystemExit(
            f"bench: {args.peer_per_window_from} has no '{report.PEER_WINDOWS}' step measured on "
            f"{args.rows:,} rows with seed {args.seed}"
        )
    found["detail"] = {**found.get("detail", {}), "from": str(args.peer_per_window_from),
                       "started": other["meta"]["started"]}  # fmt: skip
    return measure.StepResult(**found)


def _find_step(steps: list[dict], name: str) -> dict | None:
    return next((s for s in steps if s["name"] == name and s["status"] == "ok"), None)


def _document(args, started, gen, steps, detail, database) -> dict:
    meminfo = Path("/proc/meminfo").read_text().split("\n")[0].split()
    result = {
        "meta": {
            "started": started,
            "rows": args.rows,
            "days": scenario.HISTORY_DAYS,
            "appended_rows": gen.detail.get("appended_rows", 0),
            "reference_rows": scenario.REFERENCE_ROWS,
            "features": len(scenario.FEATURES),
            "slices": [scenario.SEGMENT_COLUMN],
            "seed": args.seed,
            "cpus": os.cpu_count(),
            "memory_gb": round(int(meminfo[1]) / 1024 / 1024, 1),
            "python": platform.python_version(),
            "duckdb": duckdb.__version__,
            "dbt_threads": args.dbt_threads,
            "duckdb_memory_limit": args.memory_limit or "default (80% of RAM)",
            "database_mb": round(database.stat().st_size / 1024 / 1024, 1),
            "git_commit": _git_commit(),
            "uptime_end": measure.uptime(),
        },
        "steps": [s.to_json() for s in steps],
        "detail": detail,
    }
    return _rejudge(result, args.baseline)


def _git_commit() -> str | None:
    out = subprocess.run(["git", "-C", str(CHECKOUT), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True, check=False)  # fmt: skip
    return out.stdout.strip() or None


def _rejudge(result: dict, baseline_path: Path | None) -> dict:
    """Ratios and targets computed again from the steps (and a baseline run of another size)."""
    result["ratios"] = report.ratios(result["steps"])
    baseline = json.loads(baseline_path.read_text()) if baseline_path else None
    result["targets"] = report.targets_json(report.targets(result, baseline))
    return result


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    if args.report:
        result = json.loads(args.report.read_text())
        if args.peer_per_window_from:
            args.rows, args.seed = result["meta"]["rows"], result["meta"]["seed"]
            result["steps"] = [s for s in result["steps"] if s["name"] != report.PEER_WINDOWS]
            result["steps"].append(_borrowed_per_window(args).to_json())
            args.report.write_text(json.dumps(result, indent=2, default=str) + "\n")
        result = _rejudge(result, args.baseline)
        print(report.table(result))
        return 0
    result = run(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    print()
    print(report.table(result))
    print(f"\nwritten: {args.out}")
    failed = [s for s in result["steps"] if s["status"] == "failed"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
