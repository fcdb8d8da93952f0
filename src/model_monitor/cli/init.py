"""`model-monitor init`: draft a monitor configuration from the tables, via the dbt profile."""

from __future__ import annotations

from pathlib import Path

import click

from model_monitor.cli.options import fail, handle_errors, open_warehouse, warehouse_options


@click.command()
@warehouse_options
@click.option(
    "--predictions",
    required=True,
    metavar="RELATION",
    help="The predictions log, '[database.]schema.table' (schema defaults to the target's).",
)
@click.option("--labels", metavar="RELATION", default=None, help="The labels table, if any.")
@click.option(
    "--reference",
    metavar="RELATION",
    default=None,
    help="A training or validation table to compare against.",
)
@click.option(
    "--reference-between",
    nargs=2,
    metavar="START END",
    default=None,
    help="Or a period [START, END) of the predictions as the reference, e.g. 2024-01-01 "
    "2024-01-15 (default without either: the first week of predictions).",
)
@click.option("--name", default=None, help="Monitor name (default: the predictions table's).")
@click.option(
    "--sample-rows",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Rows of each table read to count values (the first ones the engine returns).",
)
@click.option(
    "--decision-threshold",
    type=click.FloatRange(0, 1),
    default=None,
    help="Binary with a score: predicted positive when score >= this (default 0.5); init "
    "compares the positive rate it gives with the reference's label prevalence.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the YAML to FILE (default: stdout).",
)
@handle_errors
def init(
    project_dir: Path,
    profiles_dir: Path | None,
    target: str | None,
    predictions: str,
    labels: str | None,
    reference: str | None,
    reference_between: tuple[str, str] | None,
    name: str | None,
    sample_rows: int,
    decision_threshold: float | None,
    out: Path | None,
) -> None:
    """Print a commented monitor configuration guessed from the predictions' columns."""
    from model_monitor.init.commented_yaml import render_yaml
    from model_monitor.init.monitor import draft_from_warehouse

    with open_warehouse(project_dir, profiles_dir, target) as warehouse:
        draft = draft_from_warehouse(
            warehouse,
            predictions,
            labels=labels,
            reference=reference,
            between=(reference_between[0], reference_between[1]) if reference_between else None,
            name=name,
            sample_rows=sample_rows,
            decision_threshold=decision_threshold,
        )
    text = render_yaml(draft)
    if out is None:
        click.echo(text, nl=False)
    else:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            fail(f"cannot write {out}: {exc.strerror or exc}")
        click.echo(f"model-monitor: wrote {out}", err=True)
    for line in draft.advice:
        click.echo(f"model-monitor: {line}", err=True)
    todos = draft.todos()
    if todos:
        click.echo(f"model-monitor: {len(todos)} TODO(s) to look at:", err=True)
        for todo in todos:
            click.echo(f"  {todo}", err=True)
