"""The benchmark's table, ratios and targets, from the measured steps (and an optional baseline)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

FULL = "dbt build (full)"
INCREMENTAL = "dbt build (+1 day)"
EVALUATE = "model-monitor evaluate"
PEER = "evidently peer"
PEER_WINDOWS = "evidently per window"
NANNYML = "nannyml peer"
GENERATE = "generate data"

EXACT, BINNED = "exact", "binned"  # the package's drift_method / performance_method
# (step, ratio key, label): the peers each build is compared with
PEERS = (
    (PEER, "peer", "the pooled Evidently report"),
    (NANNYML, "nannyml", "NannyML's daily drift and CBPE"),
    (PEER_WINDOWS, "peer_per_window", "Evidently per window and slice"),
)
METRICS = (("wall", "wall_seconds"), ("cpu", "cpu_seconds"), ("peak_rss", "peak_rss_mb"))

PEER_TARGET_ROWS = 10_000_000  # the peer targets are stated at 10M predictions
BINNED_PEER_SPEEDUP = 5.0  # binned full build: >= 5x less wall time than either peer
BINNED_PEER_MEMORY = 10.0  # and >= 10x less peak memory
BINNED_INCREMENTAL_SHARE = 0.1  # binned +1 day: at most a tenth of its full build (wall)
# The exact full build must not get slower than bench/results/10m.json (commit aa0c4bc, DuckDB,
# 1 GB memory_limit, 2 dbt threads): judged on DuckDB at 10M only.
EXACT_REFERENCE_ROWS = 10_000_000
EXACT_REFERENCE = {"wall_seconds": 154.164, "cpu_seconds": 287.53}  # its measured values
CLI_MEMORY_GROWTH = 1.15  # "does not grow": at most 15% more at 10x the rows (allocator noise)
LINEAR_SLACK = 1.3  # "linear": time ratio at most 1.3x the row ratio


def build_step(name: str, method: str) -> str:
    """A build or CLI step's name for a drift method; exact keeps the plain names of older runs."""
    if method == EXACT:
        return name
    if name.endswith(")"):  # dbt build (full) -> dbt build (full, binned)
        return f"{name[:-1]}, {method})"
    return f"{name} ({method})"


def _suffix(method: str) -> str:
    return "" if method == EXACT else f"_{method}"


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


def _get(step: dict | None, field: str) -> float | None:
    return step.get(field) if step else None


def ratios(steps: list[dict]) -> dict[str, float | None]:
    """Each peer over each full build (wall, CPU, memory); each +1 day over its full build.

    Keys of the exact build keep their older names (`peer_over_full_wall`); the binned build's
    carry `_binned` (`nannyml_over_full_binned_wall`, `incremental_binned_over_full_binned_wall`).
    """
    out: dict[str, float | None] = {}
    for method in (EXACT, BINNED):
        sfx = _suffix(method)
        full = _step(steps, build_step(FULL, method))
        inc = _step(steps, build_step(INCREMENTAL, method))
        for key, field in METRICS[:2]:
            out[f"incremental{sfx}_over_full{sfx}_{key}"] = _ratio(
                _get(inc, field), _get(full, field)
            )
        for peer_name, peer_key, _ in PEERS:
            peer = _step(steps, peer_name)
            for key, field in METRICS:
                out[f"{peer_key}_over_full{sfx}_{key}"] = _ratio(
                    _get(peer, field), _get(full, field)
                )
    return out


def targets(result: dict, baseline: dict | None) -> list[Target]:
    """Judge the issue's targets on this run, and on this run against a baseline of other size."""
    meta, r = result["meta"], result["ratios"]
    big = meta["rows"] >= PEER_TARGET_ROWS
    out = []
    for _, peer_key, label in PEERS[:2]:
        for key, bound, what in (
            ("wall", BINNED_PEER_SPEEDUP, "less wall time"),
            ("peak_rss", BINNED_PEER_MEMORY, "less peak memory"),
        ):
            value = r.get(f"{peer_key}_over_full_binned_{key}")
            if value is None:
                status = "not measured"
            elif not big:
                status = "applies at 10M"
            else:
                status = "met" if value >= bound else "missed"
            out.append(Target(f"binned full build {what} than {label}", value,
                              f">= {bound:g}x at 10M", status))  # fmt: skip
    share = r.get("incremental_binned_over_full_binned_wall")
    out.append(
        Target(
            "binned +1 day over binned full build, wall",
            share,
            f"<= {BINNED_INCREMENTAL_SHARE:g}",
            _at_most(share, BINNED_INCREMENTAL_SHARE),
        )
    )
    out += _exact_targets(result)
    out += _scaling_targets(result, baseline)
    return out


def _at_most(value: float | None, bound: float) -> str:
    return "not measured" if value is None else "met" if value <= bound else "missed"


def _exact_targets(result: dict) -> list[Target]:
    """The exact full build no slower than the reference run (DuckDB, 10M only)."""
    meta = result["meta"]
    full = _step(result["steps"], FULL)
    judged = meta["rows"] == EXACT_REFERENCE_ROWS and meta.get("engine", "duckdb") == "duckdb"
    out = []
    for key, field, unit in (("wall", "wall_seconds", "s"), ("cpu", "cpu_seconds", "CPU-s")):
        value, bound = _get(full, field), EXACT_REFERENCE[field]
        if value is None:
            status = "not measured"
        elif not judged:
            status = "applies on DuckDB at 10M"
        else:
            status = _at_most(value, bound)
        out.append(
            Target(
                f"exact full build no slower than before, {key}",
                value,
                f"<= {bound:g} {unit} on DuckDB at 10M",
                status,
                "bench/results/10m.json (aa0c4bc, DuckDB 1 GB, 2 dbt threads)",
            )
        )
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
    engine = meta.get("engine", "duckdb")
    lines = [
        f"dbt-model-monitor benchmark: {meta['rows']:,} predictions over {meta['days']} days "
        f"(+{meta['appended_rows']:,} appended), reference {meta['reference_rows']:,} rows, "
        f"{meta['features']} features, {meta['cpus']} CPUs, {meta['memory_gb']} GB, "
        f"engine {engine}, drift/performance method "
        f"{', '.join(meta.get('drift_methods', [EXACT]))}"
        + (f", DuckDB memory_limit {meta['duckdb_memory_limit']}" if engine == "duckdb" else ""),
        "",
        f"{'step':<32} {'wall s':>9} {'peak MB':>9} {'cpu s':>9}  "
        f"{'load 1m before/after':<21} status",
    ]
    for s in result["steps"]:
        load = (
            f"{s['load_before'][0]:.2f} / {s['load_after'][0]:.2f}"
            if s.get("load_before") and s.get("load_after")
            else ""
        )
        lines.append(
            f"{s['name']:<32} {_fmt(s.get('wall_seconds'), 1):>9} "
            f"{_fmt(s.get('peak_rss_mb'), 0):>9} {_fmt(s.get('cpu_seconds'), 1):>9}  "
            f"{load:<21} {s['status']}"
        )
        if s["status"] in ("skipped", "not available") and s.get("detail", {}).get("reason"):
            lines.append(f"    {s['detail']['reason']}")
    lines.append("")
    r = result["ratios"]
    for method in (EXACT, BINNED):
        sfx, full = _suffix(method), build_step(FULL, method)
        for peer_name, peer_key, _ in PEERS:
            if r.get(f"{peer_key}_over_full{sfx}_wall") is None:
                continue
            lines.append(
                f"{peer_name} / {full}: wall {_fmt(r[f'{peer_key}_over_full{sfx}_wall'], 2)}x, "
                f"cpu {_fmt(r.get(f'{peer_key}_over_full{sfx}_cpu'), 2)}x, "
                f"peak memory {_fmt(r.get(f'{peer_key}_over_full{sfx}_peak_rss'), 2)}x"
            )
        if r.get(f"incremental{sfx}_over_full{sfx}_wall") is not None:
            lines.append(
                f"{build_step(INCREMENTAL, method)} / {full}: "
                f"wall {_fmt(r[f'incremental{sfx}_over_full{sfx}_wall'], 3)}, "
                f"cpu {_fmt(r.get(f'incremental{sfx}_over_full{sfx}_cpu'), 3)}"
            )
    lines += ["", "targets:"]
    for t in result["targets"]:
        value = _fmt(t["value"], 3)
        note = f"  ({t['note']})" if t["note"] else ""
        lines.append(f"  [{t['status']}] {t['name']}: {value} (target {t['bound']}){note}")
    return "\n".join(lines)


def _fmt(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def targets_json(found: list[Target]) -> list[dict]:
    return [asdict(t) for t in found]
