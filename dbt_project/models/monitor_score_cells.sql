{{ config(materialized='incremental', incremental_strategy=model_monitor.window_incremental_strategy(),
          unique_key=model_monitor.incremental_unique_key('window_key'),
          partition_by=model_monitor.incremental_partition_by('window_key'), on_schema_change='fail') }}
-- depends_on: {{ ref('mm_reference_versions') }}
-- depends_on: {{ ref('mm_latest_labels') }}
{#-
  The mergeable window state of binary scores (monitors with performance_method binned and a
  score_column): per window (the reference's own included), model version, slice and cell of the
  score column's grid in monitor_value_grid, the predictions and the labeled positives and
  negatives on the cell's upper edge and strictly inside it (score_cell_counts). The binned ROC
  AUC and average precision of monitor_performance come from these rows alone.
  Windows are updated as the outcome tables' plan says (outcome_window_plans): the windows it
  recomputes are counted again from their rows, except those recomputed only because labels
  arrived after the previous run's labels_as_of T. Those are merged: their stored rows plus, per
  prediction whose counted label arrived after T, +1 for its label's class and -1 for the class
  of the label that counted at T. The counts are the same as a recount (tests/integration/
  test_binned_performance.py builds both). Reading this table while its rows are replaced is safe:
  delete+insert writes the new rows to a temporary table first, BigQuery's insert_overwrite too,
  and Spark's dynamic partition overwrite reads its source before it swaps the partitions.
-#}
{%- set monitors = model_monitor.get_monitors() | selectattr('performance_method', 'equalto', 'binned')
    | selectattr('task', 'equalto', 'binary') | selectattr('score_column') | list -%}
{%- set versions = model_monitor.current_reference_versions() -%}
{%- set plans = model_monitor.outcome_window_plans(monitors, versions) -%}
{%- set with_reference = model_monitor.reference_monitors_to_build(monitors, versions, "window_kind = 'reference'") | map(attribute='name') | list -%}
{%- set text = dbt.type_string() -%}
{%- set bigint = dbt.type_bigint() -%}
{%- set counts = ['prediction_count', 'positive_edge_count', 'negative_edge_count', 'positive_interior_count', 'negative_interior_count'] -%}
{%- set g = model_monitor.metric_group_columns() %}
{%- if not monitors %}
{{ model_monitor.empty_relation([('window_key', text), ('monitor_name', text), ('window_kind', text),
    ('window_start', dbt.type_timestamp()), ('window_end', dbt.type_timestamp()), ('model_version', text),
    ('slice_key', text), ('slice_value', text), ('cell_index', dbt.type_int()), ('prediction_count', bigint),
    ('positive_edge_count', bigint), ('negative_edge_count', bigint), ('positive_interior_count', bigint),
    ('negative_interior_count', bigint), ('labels_as_of', dbt.type_timestamp()), ('reference_version', text)]
    + model_monitor.key_fingerprint_columns('window_key')) }}
{%- else %}
with
{% for monitor in monitors %}
{%- set i = loop.index -%}
{%- set narrowed = {} -%}
{%- do narrowed.update(monitor) -%}
{%- do narrowed.update({'columns': monitor.columns | selectattr('role', 'in', ['score', 'label']) | list}) -%}
{%- set score_index = (monitor.columns | selectattr('role', 'equalto', 'score') | first).index -%}
{%- set label_column = monitor.columns | selectattr('role', 'equalto', 'label') | first -%}
{%- set label_class = model_monitor._binary_class('r.v_' ~ label_column.index, monitor.positive_values) if label_column else 'cast(null as ' ~ text ~ ')' -%}
{%- set plan = plans.get(monitor.name, {}) -%}
{%- set merged = plan.label_windows if plan.cutoff is not none and plan.previous_labels_as_of is not none else [] -%}
{%- set recounted = {'cutoff': plan.cutoff, 'extra_windows': plan.extra_windows | reject('in', merged) | list} -%}
{%- set keys -%}
  r.monitor_name, r.window_kind, r.window_start, r.window_end, r.model_version, r.v_{{ score_index }}{% for slice in monitor.slices %}, r.s_{{ loop.index }}{% endfor %}
{%- endset %}
rows_{{ i }} as (
  select {{ keys }}, {{ label_class }} as label_class, 1 as prediction_weight, 1 as label_weight
  from ({{ model_monitor.monitor_rows(narrowed, 'current', recounted.cutoff, recounted.extra_windows) }}) as r
  {%- if monitor.name in with_reference %}
  union all
  select {{ keys }}, {{ label_class }}, 1, 1
  from ({{ model_monitor.monitor_rows(narrowed, 'reference') }}) as r
  {%- endif %}
),
{%- if merged %}
label_changes_{{ i }} as (
  {{ model_monitor.label_changes(monitor, plan.previous_labels_as_of) }}
),
relabeled_{{ i }} as (
  -- the predictions of the merged windows whose label changed (a cutoff past every window keeps
  -- monitor_rows to those windows)
  select r.*, c.previous_label_text
  from ({{ model_monitor.monitor_rows(narrowed, 'current', '9999-12-31 00:00:00', merged) }}) as r
  inner join label_changes_{{ i }} as c on r.row_id = c.label_id
),
label_deltas_{{ i }} as (
  -- +1 for the class of the label that counts now, -1 for the class of the one that counted at T
  select {{ keys }}, {{ label_class }} as label_class, 0 as prediction_weight, 1 as label_weight
  from relabeled_{{ i }} as r
  union all
  select {{ keys }}, {{ model_monitor._binary_class('r.previous_label_text', monitor.positive_values) }}, 0, -1
  from relabeled_{{ i }} as r
),
stored_{{ i }} as (
  select {{ g }}, cell_index, {{ counts | join(', ') }}
  from {{ this }}
  where monitor_name = {{ model_monitor.string_literal(monitor.name) }} and window_kind = 'current'
    and window_start in ({% for w in merged %}{{ model_monitor.timestamp_literal(w[:19]) }}{% if not loop.last %}, {% endif %}{% endfor %})
),
{%- endif %}
edges_{{ i }} as (
  {{ model_monitor.value_grid_edges(narrowed, ref('monitor_value_grid'), 'blocks') }}
),
edges_{{ i }}_block_ends as (
  {{ model_monitor.value_grid_edges(narrowed, ref('monitor_value_grid'), 'block_ends') }}
),
{%- endfor %}
cell_counts as (
  {%- for monitor in monitors %}
  {%- set i = loop.index -%}
  {%- set score_index = (monitor.columns | selectattr('role', 'equalto', 'score') | first).index -%}
  {%- set plan = plans.get(monitor.name, {}) %}
  {% if not loop.first %}union all {% endif %}{{ model_monitor.score_cell_counts(monitor, 'rows_' ~ i, 'edges_' ~ i, score_index) }}
  {%- if plan.cutoff is not none and plan.previous_labels_as_of is not none and plan.label_windows %}
  union all {{ model_monitor.score_cell_counts(monitor, 'label_deltas_' ~ i, 'edges_' ~ i, score_index) }}
  union all select * from stored_{{ i }}
  {%- endif %}
  {%- endfor %}
)
select
  {{ model_monitor.window_key('monitor_name', 'window_kind', 'window_start') }} as window_key,
  {{ g }},
  cell_index,
  {%- for name in counts %}
  cast(sum({{ name }}) as {{ bigint }}) as {{ name }},
  {%- endfor %}
  {{ model_monitor.labels_as_of_expr(monitors, plans, 'monitor_name') }} as labels_as_of,
  {{ model_monitor.reference_version_expr(monitors, versions) }} as reference_version{{ model_monitor.key_fingerprint_column(model_monitor.window_key('monitor_name', 'window_kind', 'window_start'), 'window_key') }}
from cell_counts
group by {{ g }}, cell_index
{%- endif %}
