"""The benchmark, one command: generate a scenario, build it with dbt, run the CLI and the peers.

    .venv/bin/python bench/run.py [--rows N | --large] [--engine duckdb|postgres|spark]
        [--drift-method exact|binned|both] [--skip-peer] [--out bench/results.json]

Each measured step is its own process (see measure.py): a full `dbt build` of the package on 30
days of predictions on the chosen engine (once per drift method), `model-monitor evaluate` on the
result, Evidently's data drift and classification reports (bench/.venv) and NannyML's daily drift
and CBPE (bench/.venv-nannyml) on the same data, then one more day appended and an incremental
`dbt build`. Prints a table of wall times, CPU times, peak memory, ratios and targets, writes it
as JSON. See docs/benchmark.md.
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

import agreement  # noqa: E402
import engines  # noqa: E402
import measure  # noqa: E402
import report  # noqa: E402
import scenario  # noqa: E402
from peer_env import EVIDENTLY, NANNYML, PeerEnv, PeerEnvError  # noqa: E402

CHECKOUT = BENCH_DIR.parent
PACKAGE_DIR = CHECKOUT / "dbt_project"
PROJECT_TEMPLATE = BENCH_DIR / "project"
DEFAULT_ROWS = 1_000_000
LARGE_ROWS = 10_000_000
DBT_THREADS = 2  # the machine's cores; DuckDB parallelises each query on its own
SLOWEST_MODELS = 8
# Peak memory of each peer per prediction (pandas frames of the reference and the history, and
# what the library builds from them), to skip a peer whose data would not fit in memory.
PEER_BYTES_PER_ROW = {
    report.PEER: (1_000, "Evidently peaked at 9,964 MB on 10M rows"),
    report.PEER_WINDOWS: (1_000, "Evidently per window peaked at 9,954 MB on 10M rows"),
    report.NANNYML: (1_000, "NannyML grew 610 -> 984 MB from 200k to 600k rows, 935 bytes a row"),
}
PEER_MEMORY_SHARE = 0.8  # of MemAvailable: what a peer may be expected to take


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="predictions in 30 days")
    parser.add_argument("--large", action="store_true", help=f"{LARGE_ROWS:,} predictions")
    parser.add_argument(
        "--engine",
        choices=engines.ENGINES,
        default="duckdb",
        help="where dbt builds and the CLI runs (the data is generated into DuckDB and copied "
        "there; the peers read the DuckDB copy); postgres reads MM_PG_* (scripts/postgres.sh)",
    )
    parser.add_argument(
        "--drift-method",
        choices=(report.EXACT, report.BINNED, "both"),
        default=report.EXACT,
        help="the package's drift_method and performance_method; both: one build of each, "
        "each on its own copy of the data, and the peers once",
    )
    parser.add_argument("--skip-peer", action="store_true", help="run neither Python peer")
    parser.add_argument("--skip-nannyml", action="store_true", help="do not run the NannyML peer")
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
        help="DuckDB memory_limit for the dbt builds, e.g. 4GB (default: none written, DuckDB's "
        "own, 80%% of RAM)",
    )
    parser.add_argument(
        "--dbt-threads",
        type=int,
        default=DBT_THREADS,
        help=f"models dbt builds at once (default {DBT_THREADS}); 1 lowers peak memory",
    )
    parser.add_argument(
        "--agree-with",
        type=Path,
        metavar="WORKDIR",
        help="the workdir of a run on another engine with the same rows and seed: compare every "
        "metric of monitor_metrics with its builds' (bench/agreement.py)",
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
    if args.memory_limit and args.engine != "duckdb":
        parser.error("--memory-limit is DuckDB's; it does not apply to --engine " + args.engine)
    args.peer_per_window = args.peer_per_window or args.only_peer_per_window
    both = args.drift_method == "both"
    args.methods = [report.EXACT, report.BINNED] if both else [args.drift_method]
    if args.engine == "spark":
        args.dbt_threads = engines.SPARK_THREADS
    return args


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DBT_PROFILES_DIR=str(home), DBT_SEND_ANONYMOUS_USAGE_STATS="false")
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


def _agreement(args: argparse.Namespace, built: list, detail: dict, say) -> None:
    """Export every build's monitor_metrics; with --agree-with, compare with that run's."""
    for target in built:
        say(f"bench: exporting monitor_metrics ({target.method}, not measured) ...")
        mine = agreement.export_metrics(target)
        if args.agree_with is None:
            continue
        theirs = agreement.export_path(args.agree_with.resolve(), target.method)
        if not theirs.exists():
            say(f"bench:   no {theirs} to compare with: run the other engine first")
            continue
        found = agreement.compare(mine, theirs, estimates=target.method == "binned")
        detail[f"agreement{_detail_suffix(target.method)}"] = {"with": str(theirs), **found}
        verdict = "agree" if found["agree"] else "DIFFER"
        say(f"bench:   {target.engine} and {args.agree_with}: {verdict}: {found['rows']:,} metrics "
            f"here, {found['rows_other']:,} there, {found['only_here']} only here, "
            f"{found['only_there']} only there, {found['differing']} differ "
            f"({found['tolerance']})")  # fmt: skip
        for worst in found["worst"]:
            say(f"bench:     {worst}")


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


def _package_knows_methods() -> bool:
    """The package's config reads `drift_method` (added in issue 12; older packages reject it)."""
    macros = PACKAGE_DIR / "macros" / "config"
    return any("drift_method" in f.read_text(encoding="utf-8") for f in macros.rglob("*.sql"))


def _peer_plan(args: argparse.Namespace, logs: Path, say) -> dict[str, tuple[PeerEnv | None, str]]:
    """Each peer step: its environment, or None and why it does not run ("skipped: ..." when
    left out on purpose or too large for memory, else why its environment is not available)."""
    wanted = [(report.PEER, EVIDENTLY), (report.NANNYML, NANNYML)]
    if args.peer_per_window:
        wanted.append((report.PEER_WINDOWS, EVIDENTLY))
    if args.only_peer_per_window:
        wanted = wanted[2:]
    plan: dict[str, tuple[PeerEnv | None, str]] = {}
    available = _mem_available()
    for name, env in wanted:
        bytes_per_row, basis = PEER_BYTES_PER_ROW[name]
        need = args.rows * bytes_per_row
        if args.skip_peer or (name == report.NANNYML and args.skip_nannyml):
            plan[name] = (
                None,
                "skipped: --skip-peer" if args.skip_peer else "skipped: --skip-nannyml",
            )
        elif need > PEER_MEMORY_SHARE * available:
            reason = (
                f"skipped: {args.rows:,} rows would need about {need / 2**30:.0f} GB in pandas "
                f"({bytes_per_row:,} bytes a row: {basis}), more than "
                f"{PEER_MEMORY_SHARE:.0%} of the {available / 2**30:.1f} GB available"
            )
            plan[name] = (None, reason)
        else:
            try:
                say(f"bench: {name} environment: {env.ensure(logs / f'{env.name}_env.log')}")
                plan[name] = (env, "")
            except PeerEnvError as error:
                plan[name] = (None, str(error))
        if plan[name][0] is None:
            say(f"bench: {name} not run ({plan[name][1]})")
    return plan


def _mem_available() -> int:
    """MemAvailable of /proc/meminfo, in bytes."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def run(args: argparse.Namespace, say=print) -> dict:
    """Every step in order; returns the result document."""
    workdir = args.workdir.resolve()
    logs = workdir / "logs"
    source = workdir / "bench.duckdb"  # what the generator writes and the peers read
    workdir.mkdir(parents=True, exist_ok=True)
    if report.BINNED in args.methods and not _package_knows_methods():
        raise SystemExit(
            f"bench: --drift-method {args.drift_method} writes the monitor keys drift_method and "
            f"performance_method, which the package in {PACKAGE_DIR} does not read yet"
        )
    targets = engines.build_targets(args.engine, args.methods, workdir)
    try:
        engines.reset(args.engine, workdir)
    except engines.EngineError as error:
        raise SystemExit(str(error)) from None
    for stale in (source, source.with_name(source.name + ".wal")):
        stale.unlink(missing_ok=True)
    for target in targets:
        engines.write_project(target, PROJECT_TEMPLATE, PACKAGE_DIR, args.memory_limit,
                              args.dbt_threads)  # fmt: skip
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    say(f"bench: {args.rows:,} predictions in {workdir}, engine {args.engine}, "
        f"drift method {', '.join(args.methods)}; {measure.uptime()}")  # fmt: skip
    plan = _peer_plan(args, logs, say)
    steps: list[measure.StepResult] = []
    detail: dict[str, object] = {}

    def step(name: str, command: list[str], target=None, **kwargs) -> measure.StepResult:
        load = measure.uptime()
        say(f"bench: {name} ... ({load})")
        home = target.home if target else workdir
        log = logs / f"{len(steps):02d}_{name.split()[0]}{_method_tag(name)}.log"
        # a Spark step's JVM outlives its Python process: wait for it and count it
        spark = target is not None and target.engine == "spark"
        postgres = target is not None and target.engine == "postgres"
        server_before = engines.pg_server_cpu_seconds() if postgres else None
        result = measure.measure(name, command, log, cwd=target.project if target else workdir,
                                 env=_env(home), whole_tree=spark, **kwargs)  # fmt: skip
        result.detail["uptime_before"] = load
        if server_before is not None:
            _add_server_cpu(result, engines.pg_server_cpu_seconds() - server_before)
        if spark:
            result.detail["measured"] = "whole process tree, JVM included (measure.py)"
        steps.append(result)
        say(f"bench:   {result.status}: {result.wall_seconds:.1f}s, cpu {result.cpu_seconds}s, "
            f"peak {result.peak_rss_mb} MB")  # fmt: skip
        return result

    py = sys.executable
    gen = step(report.GENERATE, [py, str(BENCH_DIR / "scenario.py"), "generate", str(source),
                                 str(args.rows), str(args.seed)])  # fmt: skip
    gen.detail.update(_json_tail(gen.log))
    if gen.status != "ok":
        raise SystemExit(f"bench: generating the scenario failed (log: {gen.log})")
    if args.only_peer_per_window:
        steps += _peers(step, plan, source)
        return _document(args, started, gen, steps, detail, source)
    clock = time.perf_counter()
    say(f"bench: copying the data for {args.engine} (not measured) ...")
    try:
        detail["load"] = engines.load(targets, workdir)
    except engines.EngineError as error:
        raise SystemExit(str(error)) from None
    detail["load_seconds"] = round(time.perf_counter() - clock, 1)
    for target in targets:
        deps = subprocess.call([_bin("dbt"), "deps", "--project-dir", str(target.project)],
                               env=_env(target.home), stdout=subprocess.DEVNULL,
                               cwd=target.project)  # fmt: skip
        if deps:
            raise SystemExit(f"bench: dbt deps failed in {target.project}")
    built = []
    for target in targets:
        if _full_build(step, steps, target, logs, detail):
            built.append(target)
        else:
            say(f"bench: the {target.method} full build failed; its later steps are skipped")
    steps += _peers(step, plan, source)
    if args.peer_per_window_from:
        steps.append(_borrowed_per_window(args))
    if built:
        clock = time.perf_counter()
        detail["appended"] = engines.append(targets, workdir)
        detail["append_seconds"] = round(time.perf_counter() - clock, 1)
        for target in built:
            sfx = _detail_suffix(target.method)
            step(report.build_step(report.INCREMENTAL, target.method), _dbt_build(target), target)
            detail[f"dbt_timing_incremental{sfx}"] = _dbt_timing(
                target.project, logs / f"run_results_inc{sfx}.json"
            )
            detail[f"monitor_table_rows_incremental{sfx}"] = engines.table_sizes(target)
        _agreement(args, built, detail, say)
    return _document(args, started, gen, steps, detail, source)


def _add_server_cpu(result: measure.StepResult, server: float) -> None:
    """A PostgreSQL step's CPU time is the client's (dbt, the CLI) plus the server's."""
    result.detail["client_cpu_seconds"] = result.cpu_seconds
    result.detail["server_cpu_seconds"] = round(server, 2)
    result.cpu_seconds = round((result.cpu_seconds or 0) + server, 2)


def _method_tag(name: str) -> str:
    return f"_{report.BINNED}" if report.BINNED in name else ""


def _detail_suffix(method: str) -> str:
    return "" if method == report.EXACT else f"_{method}"


def _dbt_build(target: engines.BuildTarget) -> list[str]:
    return [_bin("dbt"), "build", "--project-dir", str(target.project),
            "--profiles-dir", str(target.home)]  # fmt: skip


def _full_build(step, steps: list, target: engines.BuildTarget, logs: Path, detail: dict) -> bool:
    """The full build of one target and, if it built, the CLI on it; True if it built."""
    sfx = _detail_suffix(target.method)
    full = step(report.build_step(report.FULL, target.method), _dbt_build(target), target)
    detail[f"dbt_timing_full{sfx}"] = _dbt_timing(
        target.project, logs / f"run_results_full{sfx}.json"
    )
    evaluate = report.build_step(report.EVALUATE, target.method)
    if full.status != "ok":
        return False
    detail[f"monitor_table_rows_full{sfx}"] = engines.table_sizes(target)
    history_end = scenario.START + np.timedelta64(scenario.HISTORY_DAYS, "D")
    now = str(history_end + np.timedelta64(1, "h")).replace("T", " ")[:19]
    if not _evaluate_available(_env(target.home)):
        steps.append(measure.StepResult(evaluate, [], "not available"))
    else:
        step(evaluate, [_bin("model-monitor"), "evaluate", "--project-dir", str(target.project),
                        "--profiles-dir", str(target.home), "--dry-run", "--format", "json",
                        "--now", now], target, ok_codes=(0, 1))  # fmt: skip
    return True


def _peers(step, plan: dict, source: Path) -> list[measure.StepResult]:
    """The peers that can run, run; the others as skipped steps with the reason."""
    scripts = {report.PEER: ["peer.py"], report.NANNYML: ["nannyml_peer.py"],
               report.PEER_WINDOWS: ["peer.py", "--per-window"]}  # fmt: skip
    skipped = []
    for name, (env, reason) in plan.items():
        if env is None:
            status = "skipped" if reason.startswith("skipped: ") else "not available"
            skipped.append(measure.StepResult(name, [], status, detail={"reason": reason}))
            continue
        script, *extra = scripts[name]
        result = step(name, [str(env.python), str(BENCH_DIR / script), str(source), *extra])
        result.detail.update(_json_tail(result.log))
        result.detail["venv"] = str(env.venv)
    return skipped  # step() already recorded the ones that ran


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
    versions = {
        f"{env.name}_version": env.version() if env.python.exists() else None
        for env in (EVIDENTLY, NANNYML)
    }
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
            "engine": args.engine,
            "drift_methods": args.methods,
            "cpus": os.cpu_count(),
            "memory_gb": round(int(meminfo[1]) / 1024 / 1024, 1),
            "python": platform.python_version(),
            "duckdb": duckdb.__version__,
            **versions,
            "dbt_threads": args.dbt_threads,
            "duckdb_memory_limit": args.memory_limit or "default (80% of RAM)",
            **(
                {"spark_driver_memory": engines.SPARK_DRIVER_MEMORY}
                if args.engine == "spark"
                else {}
            ),  # fmt: skip
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
