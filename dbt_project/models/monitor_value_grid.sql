{{ config(materialized='incremental', incremental_strategy=model_monitor.window_incremental_strategy(),
          unique_key=model_monitor.incremental_unique_key('monitor_name'),
          partition_by=model_monitor.incremental_partition_by('monitor_name'), on_schema_change='fail') }}
-- depends_on: {{ ref('mm_reference_versions') }}
{#-
  The fine grid of the mergeable window state (monitors with drift_method or performance_method
  binned): per monitor and numerical column, the cells between the distinct inverted-CDF quantiles
  e_j = r_(ceil(j * n / grid_cells)), j = 1..grid_cells-1, of the whole reference, the same rule as
  the coarse bins of monitor_reference_bins. Cell k = (e_{k-1}, e_k], open at both ends: cell 1
  has no lower edge, the last cell no upper edge. Rebuilt per monitor only when its
  reference_version changes.
-#}
{%- set monitors = model_monitor.get_monitors() | selectattr('uses_grid') | list -%}
{%- set versions = model_monitor.current_reference_versions() -%}
{%- set built = model_monitor.reference_monitors_to_build(monitors, versions) -%}
{%- set lit = model_monitor.string_literal -%}
{%- set double = model_monitor.type_double() -%}
{%- set text = dbt.type_string() %}
{%- if not built %}
{{ model_monitor.empty_relation([('monitor_name', text), ('reference_version', text), ('column_name', text),
    ('cell_index', dbt.type_int()), ('lower_edge', double), ('upper_edge', double)] + model_monitor.key_fingerprint_columns('monitor_name')) }}
{%- else %}
with
sorted_values as (
  select monitor_name, column_name, value, value_rank, value_count from {{ ref('mm_reference_numeric') }}
  where slice_index = 0
    and monitor_name in ({% for monitor in built %}{{ lit(monitor.name) }}{% if not loop.last %}, {% endif %}{% endfor %})
),
column_value_counts as (
  select distinct monitor_name, column_name, value_count from sorted_values
),
-- the distinct inverted-CDF quantiles at j / grid_cells
ordered_edges as (
  {{ model_monitor.quantile_edges(built, 'grid_cells', 'sorted_values', 'column_value_counts', 3) }}
),
cells as (
  select monitor_name, column_name, edge_index as cell_index, previous_edge as lower_edge, edge as upper_edge
  from ordered_edges
  union all
  -- the last cell (e_m, +inf)
  select monitor_name, column_name, edge_index + 1, edge, cast(null as {{ double }})
  from ordered_edges where edge_index = edge_count
)
select
  monitor_name,
  {{ model_monitor.reference_version_expr(built, versions) }} as reference_version,
  column_name,
  cast(cell_index as {{ dbt.type_int() }}) as cell_index,
  lower_edge,
  upper_edge{{ model_monitor.key_fingerprint_column('monitor_name', 'monitor_name') }}
from cells
{%- endif %}
