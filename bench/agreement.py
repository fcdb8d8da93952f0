"""Do two builds agree? Every metric of `monitor_metrics`, one engine's build against another's.

Each run exports its builds' `monitor_metrics` (the long view of every published scalar metric)
after its last step, to `WORKDIR/results/metrics_<method>.parquet`. `--agree-with DIR` compares
them with the files a run on another engine left in DIR (the same rows and seed make the same
data): one row per source table, monitor, window, version, slice, column, metric source, class
and metric; both sides must have every key, and every value must match to a relative 1e-9
(both NULL, or both NaN, match too). Binned builds use approximate distinct counts
(`distinct_count_method` defaults to approximate there), and each engine's sketch, or PostgreSQL's
exact count, gives its own figure: with `estimates`, those values need only agree to a relative
15% (DuckDB's HyperLogLog was measured at 11% at worst), and are counted apart.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import engines

KEYS = ("source_table", "monitor_name", "window_kind", "window_start", "model_version",
        "slice_key", "slice_value", "column_name", "metric_source", "class_label",
        "metric_name")  # fmt: skip
RELATIVE_TOLERANCE = 1e-9
ESTIMATE_TOLERANCE = 0.15
ESTIMATED = "source_table = 'monitor_data_quality' and metric_name = 'distinct_count'"
SHOWN = ("source_table", "metric_name", "column_name", "window_start")
WORST = 5  # the largest differences a comparison reports


def export_path(workdir: Path, method: str) -> Path:
    return workdir / "results" / f"metrics_{method}.parquet"


def export_metrics(target: engines.BuildTarget) -> Path:
    """Write the build's monitor_metrics to a parquet file; returns its path."""
    out = export_path(target.workdir, target.method)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    select = f"select * from {target.schema}.monitor_metrics"
    if target.engine == "duckdb":
        with duckdb.connect(str(target.database), read_only=True) as con:
            con.execute(f"copy ({select}) to '{out}' (format parquet)")
    elif target.engine == "postgres":
        _postgres_export(select, out)
    else:
        _spark_export(target, select, out)
    return out


def _postgres_export(select: str, out: Path) -> None:
    staged = out.with_suffix(".csv")
    with engines.pg_connect() as con, con.cursor() as cur, staged.open("w") as f:
        cur.copy_expert(f"copy ({select}) to stdout with (format csv, header)", f)
    with duckdb.connect() as con:
        con.execute(
            f"copy (select * from read_csv('{staged}', header = true, all_varchar = true)) "
            f"to '{out}' (format parquet)"
        )
    staged.unlink()


def _spark_export(target: engines.BuildTarget, select: str, out: Path) -> None:
    script = (
        "import json, sys\n"
        "from pyspark.sql import SparkSession\n"
        "conf, select, out = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]\n"
        "builder = SparkSession.builder.enableHiveSupport()\n"
        "for key, value in conf.items():\n"
        "    builder = builder.config(key, value)\n"
        "spark = builder.getOrCreate()\n"
        "spark.sql(select).coalesce(1).write.mode('overwrite').parquet(out)\n"
        "spark.stop()\n"
    )
    log = target.workdir / "logs" / "spark_export.log"
    with log.open("a", encoding="utf-8") as f:
        code = subprocess.call(
            [sys.executable, "-c", script, json.dumps(engines.spark_conf(target.workdir)), select,
             str(out)], stdout=f, stderr=subprocess.STDOUT, cwd=target.workdir,
        )  # fmt: skip
    if code:
        raise engines.EngineError(f"bench: exporting monitor_metrics from Spark failed ({log})")


def _normalized(path: Path) -> str:
    """A SELECT over an export with every key as text and the value as a double.

    Spark writes a folder of parquet files; PostgreSQL's export is all text.
    """
    source = f"{path}/*.parquet" if path.is_dir() else str(path)
    keys = ", ".join(
        f"strftime(cast({k} as timestamp), '%Y-%m-%d %H:%M:%S') as {k}"
        if k == "window_start"
        else f"cast({k} as varchar) as {k}"
        for k in KEYS
    )
    value = "cast(metric_value as double) as metric_value"
    return f"select {keys}, {value} from read_parquet('{source}')"


def _within(tolerance: float) -> str:
    return (
        "((mine is null and theirs is null) or (isnan(mine) and isnan(theirs)) or "
        f"abs(mine - theirs) <= {tolerance} * greatest(1, abs(mine), abs(theirs)))"
    )


def compare(mine: Path, theirs: Path, estimates: bool = False) -> dict[str, object]:
    """Keys on one side only, and the values that differ by more than the tolerance; with
    `estimates`, the sketched distinct counts by more than ESTIMATE_TOLERANCE."""
    on = " and ".join(f"a.{k} is not distinct from b.{k}" for k in KEYS)
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"create table a as {_normalized(mine)}")
        con.execute(f"create table b as {_normalized(theirs)}")
        rows = {side: con.execute(f"select count(*) from {side}").fetchone()[0] for side in "ab"}
        con.execute(
            "create table joined as select a.metric_value as mine, b.metric_value as theirs, "
            "a.source_table is null as only_theirs, b.source_table is null as only_mine, "
            + ", ".join(f"coalesce(a.{k}, b.{k}) as {k}" for k in SHOWN)
            + f" from a full outer join b on {on}"
        )
        both = "not only_mine and not only_theirs"
        estimated = ESTIMATED if estimates else "false"
        differs = (
            f"{both} and not ({estimated}) and not {_within(RELATIVE_TOLERANCE)} or "
            f"{both} and ({estimated}) and not {_within(ESTIMATE_TOLERANCE)}"
        )
        only_mine, only_theirs, differing, n_estimated, estimated_differently = con.execute(
            f"select count(*) filter (only_mine), count(*) filter (only_theirs), "
            f"count(*) filter ({differs}), count(*) filter ({both} and ({estimated})), "
            f"count(*) filter ({both} and ({estimated}) and not {_within(RELATIVE_TOLERANCE)}) "
            "from joined"
        ).fetchone()
        worst = con.execute(
            f"select {', '.join(SHOWN)}, mine, theirs "
            f"from joined where {differs} "
            f"order by abs(mine - theirs) / greatest(1, abs(mine), abs(theirs)) desc nulls first "
            f"limit {WORST}"
        ).fetchall()
    return {
        "rows": rows["a"],
        "rows_other": rows["b"],
        "only_here": only_mine,
        "only_there": only_theirs,
        "differing": differing,
        "tolerance": f"relative {RELATIVE_TOLERANCE}"
        + (f"; sketched distinct counts {ESTIMATE_TOLERANCE}" if estimates else ""),
        "estimated": n_estimated,
        "estimated_differently": estimated_differently,
        "agree": only_mine == 0 and only_theirs == 0 and differing == 0,
        "worst": [dict(zip(SHOWN + ("here", "there"), map(str, w), strict=True)) for w in worst],
    }


if __name__ == "__main__":  # compare two exports by hand: agreement.py MINE THEIRS
    json.dump(compare(Path(sys.argv[1]), Path(sys.argv[2])), sys.stdout, indent=2)
    print()
