"""Reading the demo's results from its DuckDB file: row counts, top drift, the performance story."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from model_monitor.demo.errors import DemoOutputError
from model_monitor.demo.facts import ScenarioFacts
from model_monitor.demo.story import PerformanceStory, read_performance

TOP_DRIFT = 8


@dataclass(frozen=True)
class DriftRow:
    """One column's drift in a window, as the demo summary shows it."""

    monitor_name: str
    window_start: pd.Timestamp
    model_version: str | None
    column_name: str
    column_role: str | None
    psi: float | None
    ks_statistic: float | None


def read_results(
    duckdb_path: Path, facts: ScenarioFacts
) -> tuple[dict[str, int], list[DriftRow], PerformanceStory | None]:
    """Row counts of the monitor tables, the most drifted columns of each latest window and the
    classifier's performance story."""
    with duckdb.connect(str(duckdb_path)) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_name like 'monitor\\_%' escape '\\' and table_schema <> 'raw' "
            "order by table_name"
        ).fetchall()
        located = {name: f'"{schema}"."{name}"' for schema, name in tables}
        if "monitor_drift" not in located:
            raise DemoOutputError(
                f"demo: dbt build succeeded but no monitor_drift table was built in {duckdb_path}"
            )
        counts = {
            name: int(con.execute(f"select count(*) from {relation}").fetchall()[0][0])
            for name, relation in located.items()
        }
        drift = located["monitor_drift"]
        columns = {row[0] for row in con.execute(f"describe {drift}").fetchall()}
        role = "column_role" if "column_role" in columns else "null"
        current = "window_kind = 'current'" if "window_kind" in columns else "true"
        # The latest window that closed before the scenario's "now", per monitor; whole population.
        frame = con.execute(
            f"""
            with current_windows as (
                select * from {drift}
                where {current} and slice_key is null and window_end <= ?
            ),
            latest as (
                select monitor_name, max(window_start) as window_start
                from current_windows group by monitor_name
            )
            select d.monitor_name, d.window_start, d.model_version, d.column_name,
                   {role} as column_role, d.psi, d.ks_statistic
            from current_windows as d join latest using (monitor_name, window_start)
            order by d.monitor_name, d.psi desc nulls last, d.column_name
            """,
            [facts.end.to_pydatetime()],
        ).df()
        story = read_performance(con, located, facts)
    top = frame.groupby("monitor_name", sort=True).head(TOP_DRIFT)
    return (
        counts,
        [
            DriftRow(
                monitor_name=row.monitor_name,
                window_start=pd.Timestamp(row.window_start),
                model_version=None if pd.isna(row.model_version) else str(row.model_version),
                column_name=row.column_name,
                column_role=None if pd.isna(row.column_role) else str(row.column_role),
                psi=None if pd.isna(row.psi) else float(row.psi),
                ks_statistic=None if pd.isna(row.ks_statistic) else float(row.ks_statistic),
            )
            for row in top.itertuples(index=False)
        ],
        story,
    )
