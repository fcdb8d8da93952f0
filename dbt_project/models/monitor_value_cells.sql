{{ config(materialized='incremental', incremental_strategy=model_monitor.window_incremental_strategy(),
          unique_key=model_monitor.incremental_unique_key('window_key'),
          partition_by=model_monitor.incremental_partition_by('window_key'), on_schema_change='fail') }}
-- depends_on: {{ ref('mm_reference_versions') }}
{#-
  The mergeable window state of numerical columns (monitors with drift_method binned): per window
  (the reference's own included), model version, slice, column and cell of monitor_value_grid,
  the finite values' count, how many sit exactly on the cell's upper edge, and the min, max and
  sum of those strictly inside it; cell 0 counts NULLs and cell -1 NaN and infinities, so every
  row of the window is in exactly one cell. Only cells holding a value are stored. A week, a month or all
  versions are the sums (and min/max) of these rows; the binned KS and Wasserstein distances of
  mm_binned_drift are computed from them alone.
-#}
{%- set monitors = model_monitor.get_monitors() | selectattr('drift_method', 'equalto', 'binned') | list -%}
{%- set numeric_monitors = [] -%}
{%- for monitor in monitors if monitor.columns | selectattr('kind', 'equalto', 'numerical') | list %}{% do numeric_monitors.append(monitor) %}{% endfor %}
{%- set versions = model_monitor.current_reference_versions() -%}
{%- set cutoffs = model_monitor.window_cutoffs(numeric_monitors, versions) -%}
{%- set with_reference = model_monitor.reference_monitors_to_build(numeric_monitors, versions, "window_kind = 'reference'") | map(attribute='name') | list -%}
{%- set double = model_monitor.type_double() -%}
{%- set text = dbt.type_string() %}
{%- if not numeric_monitors %}
{{ model_monitor.empty_relation([('window_key', text), ('monitor_name', text), ('window_kind', text),
    ('window_start', dbt.type_timestamp()), ('window_end', dbt.type_timestamp()), ('model_version', text),
    ('slice_key', text), ('slice_value', text), ('column_name', text), ('cell_index', dbt.type_int()),
    ('value_count', dbt.type_bigint()), ('edge_count', dbt.type_bigint()), ('interior_min', double),
    ('interior_max', double), ('interior_sum', double), ('reference_version', text)] + model_monitor.key_fingerprint_columns('window_key')) }}
{%- else %}
with
{% for monitor in numeric_monitors %}
{%- set numeric = model_monitor.monitor_with_columns(monitor, 'numerical') %}
rows_{{ loop.index }} as (
  {{ model_monitor.monitor_rows(numeric, 'current', cutoffs.get(monitor.name)) }}
  {%- if monitor.name in with_reference %}
  union all
  {{ model_monitor.monitor_rows(numeric, 'reference') }}
  {%- endif %}
),
edges_{{ loop.index }} as (
  {{ model_monitor.value_grid_edges(monitor, ref('monitor_value_grid'), 'blocks') }}
),
edges_{{ loop.index }}_block_ends as (
  {{ model_monitor.value_grid_edges(monitor, ref('monitor_value_grid'), 'block_ends') }}
),
{%- endfor %}
cell_counts as (
  {%- for monitor in numeric_monitors %}
  {% if not loop.first %}union all {% endif %}{{ model_monitor.value_cell_counts(model_monitor.monitor_with_columns(monitor, 'numerical'), 'rows_' ~ loop.index, 'edges_' ~ loop.index) }}
  {%- endfor %}
)
select
  {{ model_monitor.window_key('monitor_name', 'window_kind', 'window_start') }} as window_key,
  monitor_name,
  window_kind,
  window_start,
  window_end,
  model_version,
  slice_key,
  slice_value,
  column_name,
  cell_index,
  value_count,
  edge_count,
  interior_min,
  interior_max,
  interior_sum,
  {{ model_monitor.reference_version_expr(numeric_monitors, versions) }} as reference_version{{ model_monitor.key_fingerprint_column(model_monitor.window_key('monitor_name', 'window_kind', 'window_start'), 'window_key') }}
from cell_counts
{%- endif %}
