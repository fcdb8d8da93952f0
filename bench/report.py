"""The benchmark's table, ratios and targets, from the measured steps (and an optional baseline)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

FULL = "dbt build (full)"
INCREMENTAL = "dbt build (+1 day)"
EVALUATE = "model-monitor evaluate"
PEER = "evidently peer"
PEER_WINDOWS = "evidently per window"
GENERATE = "generate data"

PEER_TARGET_ROWS = 10_000_000  # the peer targets are stated at 10M predictions
PEER_SPEEDUP = 10.0
PEER_MEMORY = 10.0
INCREMENTAL_SHARE = 0.2
CLI_MEMORY_GROWTH = 1.15  # "does not grow": at most 15% more at 10x the rows (allocator noise)
LINEAR_SLACK = 1.3  # "linear": time ratio at most 1.3x the row ratio


@dataclass(frozen=True)
class Target:
    """One of the issue's targets: the measured value, the bound and whether it was met."""

    name: str
    value: float | None
    bound: str
    status: str  # met, missed, not measured, applies at 10M
    note: str = ""


def _step(steps: list[dict], name: str) -> dict | None:
    return next((s for s in steps if s["name"] == name and s["status"] == "ok"), None)


def _ratio(top: float | None, bottom: float | None) -> float | None:
    if top is None or bottom is None or bottom == 0:
        return None
    return round(top / bottom, 3)


def ratios(steps: list[dict]) -> dict[str, float | None]:
    """Peer over full build (time, memory) and incremental over full build (time)."""
    full, peer, inc = _step(steps, FULL), _step(steps, PEER), _step(steps, INCREMENTAL)
    windows = _step(steps, PEER_WINDOWS)

    def get(step: dict | None, key: str) -> float | None:
        return step[key] if step else None

    return {
        "peer_over_full_wall": _ratio(get(peer, "wall_seconds"), get(full, "wall_seconds")),
        "peer_over_full_peak_rss": _ratio(get(peer, "peak_rss_mb"), get(full, "peak_rss_mb")),
        "incremental_over_full_wall": _ratio(get(inc, "wall_seconds"), get(full, "wall_seconds")),
        "incremental_over_full_cpu": _ratio(get(inc, "cpu_seconds"), get(full, "cpu_seconds")),
        "peer_over_full_cpu": _ratio(get(peer, "cpu_seconds"), get(full, "cpu_seconds")),
        **{
            f"peer_per_window_over_full_{key}": _ratio(get(windows, field), get(full, field))
            for key, field in (
                ("wall", "wall_seconds"),
                ("cpu", "cpu_seconds"),
                ("peak_rss", "peak_rss_mb"),
            )
        },  # fmt: skip
    }


def targets(result: dict, baseline: dict | None) -> list[Target]:
    """Judge the issue's targets on this run, and on this run against a baseline of other size."""
    rows = result["meta"]["rows"]
    r = result["ratios"]
    big = rows >= PEER_TARGET_ROWS
    out = []
    # Two peers: Evidently once over the pooled 30 days (far less work than the package does), and
    # Evidently at the package's grain, every daily window and slice value (the equivalent work).
    for key, bound, label in (
        ("peer_over_full_wall", PEER_SPEEDUP, "full build faster than the pooled peer"),
        ("peer_over_full_peak_rss", PEER_MEMORY,
         "full build less peak memory than the pooled peer"),
        ("peer_per_window_over_full_wall", PEER_SPEEDUP,
         "full build faster than the peer per window and slice"),
        ("peer_per_window_over_full_cpu", PEER_SPEEDUP,
         "full build less CPU than the peer per window and slice"),
        ("peer_per_window_over_full_peak_rss", PEER_MEMORY,
         "full build less peak memory than the peer per window and slice"),
    ):  # fmt: skip
        value = r.get(key)
        if value is None:
            status = "not measured"
        elif not big:
            status = "applies at 10M"
        else:
            status = "met" if value >= bound else "missed"
        out.append(Target(label, value, f">= {bound:g}x at 10M", status))
    for key, label in (
        ("incremental_over_full_wall", "wall"),
        ("incremental_over_full_cpu", "cpu"),
    ):
        value = r.get(key)
        out.append(
            Target(
                f"incremental (+1 day on 30) over full build, {label}",
                value,
                f"<= {INCREMENTAL_SHARE:g}",
                "not measured"
                if value is None
                else "met"
                if value <= INCREMENTAL_SHARE
                else "missed",
            )
        )
    out += _scaling_targets(result, baseline)
    return out


def _scaling_targets(result: dict, baseline: dict | None) -> list[Target]:
    """CLI memory flat and full-build work linear, between the baseline's size and this run's."""
    if not baseline or baseline["meta"]["rows"] == result["meta"]["rows"]:
        note = "needs --baseline with a run of another size"
        return [
            Target(
                "model-monitor evaluate peak memory flat in rows", None, "", "not measured", note
            ),
            Target("full build time linear in rows", None, "", "not measured", note),
        ]
    small, large = sorted((baseline, result), key=lambda x: x["meta"]["rows"])
    row_ratio = large["meta"]["rows"] / small["meta"]["rows"]
    note = f"{small['meta']['rows']:,} -> {large['meta']['rows']:,} rows ({row_ratio:g}x)"
    out = []
    cli = _ratio(_value(large, EVALUATE, "peak_rss_mb"), _value(small, EVALUATE, "peak_rss_mb"))
    out.append(
        Target(
            "model-monitor evaluate peak memory flat in rows",
            cli,
            f"<= {CLI_MEMORY_GROWTH:g}x",
            "not measured" if cli is None else "met" if cli <= CLI_MEMORY_GROWTH else "missed",
            note,
        )
    )
    for key, label in (("wall_seconds", "wall"), ("cpu_seconds", "cpu")):
        growth = _ratio(_value(large, FULL, key), _value(small, FULL, key))
        bound = LINEAR_SLACK * row_ratio
        out.append(
            Target(
                f"full build {label} time linear in rows",
                growth,
                f"<= {bound:g}x",
                "not measured" if growth is None else "met" if growth <= bound else "missed",
                note,
            )
        )
    return out


def _value(result: dict, step: str, key: str) -> float | None:
    found = _step(result["steps"], step)
    return found[key] if found else None


def table(result: dict) -> str:
    """The printed report: steps, ratios, targets."""
    meta = result["meta"]
    lines = [
        f"dbt-model-monitor benchmark: {meta['rows']:,} predictions over {meta['days']} days "
        f"(+{meta['appended_rows']:,} appended), reference {meta['reference_rows']:,} rows, "
        f"{meta['features']} features, {meta['cpus']} CPUs, {meta['memory_gb']} GB, "
        f"DuckDB memory_limit {meta['duckdb_memory_limit']}",
        "",
        f"{'step':<24} {'wall s':>9} {'peak MB':>9} {'cpu s':>9}  "
        f"{'load 1m before/after':<21} status",
    ]
    for s in result["steps"]:
        load = (
            f"{s['load_before'][0]:.2f} / {s['load_after'][0]:.2f}"
            if s.get("load_before") and s.get("load_after")
            else ""
        )
        lines.append(
            f"{s['name']:<24} {_fmt(s.get('wall_seconds'), 1):>9} "
            f"{_fmt(s.get('peak_rss_mb'), 0):>9} {_fmt(s.get('cpu_seconds'), 1):>9}  "
            f"{load:<21} {s['status']}"
        )
    r = result["ratios"]
    lines += [
        "",
        f"peer / full build: wall {_fmt(r['peer_over_full_wall'], 2)}x, "
        f"cpu {_fmt(r.get('peer_over_full_cpu'), 2)}x, "
        f"peak memory {_fmt(r['peer_over_full_peak_rss'], 2)}x",
        f"incremental / full build: wall {_fmt(r['incremental_over_full_wall'], 3)}, "
        f"cpu {_fmt(r['incremental_over_full_cpu'], 3)}",
    ]
    if r.get("peer_per_window_over_full_wall") is not None:
        lines.append(
            f"peer per window and slice / full build: wall "
            f"{_fmt(r['peer_per_window_over_full_wall'], 2)}x, "
            f"cpu {_fmt(r.get('peer_per_window_over_full_cpu'), 2)}x, "
            f"peak memory {_fmt(r.get('peer_per_window_over_full_peak_rss'), 2)}x"
        )
    lines += [
        "",
        "targets:",
    ]
    for t in result["targets"]:
        value = _fmt(t["value"], 3)
        note = f"  ({t['note']})" if t["note"] else ""
        lines.append(f"  [{t['status']}] {t['name']}: {value} (target {t['bound']}){note}")
    return "\n".join(lines)


def _fmt(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def targets_json(found: list[Target]) -> list[dict]:
    return [asdict(t) for t in found]
