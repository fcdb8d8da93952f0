{{ config(materialized='incremental', incremental_strategy=model_monitor.window_incremental_strategy(),
          unique_key=model_monitor.incremental_unique_key('monitor_name'),
          partition_by=model_monitor.incremental_partition_by('monitor_name'), on_schema_change='fail') }}
-- depends_on: {{ ref('mm_reference_versions') }}
{#-
  The reference's finite numerical values, sorted, per monitor, slice and column: the basis of the
  quantile bins, the reference min/max, and the exact KS and Wasserstein statistics.
  value_rank: 1..value_count in ascending order; le_count: values <= this value (ties included);
  lt_count: values < this value; centered_prefix_sum: sum of (value - value_mean) over ranks
  < value_rank (for quantile integrals); series_id: a small integer per slice and column within
  the monitor, the narrow key mm_value_drift sorts and joins on.
  Rebuilt per monitor only when its reference_version changes.
-#}
{%- set monitors = model_monitor.get_monitors() -%}
{%- set versions = model_monitor.current_reference_versions() -%}
{%- set to_build = model_monitor.reference_monitors_to_build(monitors, versions) -%}
{%- set lit = model_monitor.string_literal -%}
{%- set built = [] -%}
{%- for monitor in to_build if monitor.columns | selectattr('kind', 'equalto', 'numerical') | list %}{% do built.append(monitor) %}{% endfor %}
with
{% for monitor in built %}
reference_rows_{{ loop.index }} as (
  {{ model_monitor.monitor_rows(model_monitor.monitor_with_columns(monitor, 'numerical'), 'reference') }}
),
reference_values_{{ loop.index }} as (
  select monitor_name, slice_index, slice_key, slice_value,
    {{ model_monitor.slice_id('slice_key', 'slice_value') }} as slice_id,
    column_name, num_value as value
  from ({{ model_monitor.monitor_values(model_monitor.monitor_with_columns(monitor, 'numerical'), 'reference_rows_' ~ loop.index) }}) as v
  where column_kind = 'numerical' and {{ model_monitor.is_finite('num_value') }}
),
{%- endfor %}
finite_values as (
  {%- for monitor in built %}
  {% if not loop.first %}union all {% endif %}select * from reference_values_{{ loop.index }}
  {%- endfor %}
  {%- if not built %}
  select
    cast(null as {{ dbt.type_string() }}) as monitor_name, 0 as slice_index,
    cast(null as {{ dbt.type_string() }}) as slice_key, cast(null as {{ dbt.type_string() }}) as slice_value,
    cast(null as {{ dbt.type_string() }}) as slice_id, cast(null as {{ dbt.type_string() }}) as column_name,
    cast(null as {{ model_monitor.type_double() }}) as value
  where 1 = 0
  {%- endif %}
),
value_stats as (
  select monitor_name, slice_id, column_name,
    count(*) as value_count,
    avg(value) as value_mean,
    stddev_pop(value) as value_stddev
  from finite_values
  group by monitor_name, slice_id, column_name
),
numbered_series as (
  select *, row_number() over (partition by monitor_name order by slice_id, column_name) as series_id
  from value_stats
),
-- one sort: every window below shares the partition and order; tied values are equal, so the
-- prefix sum over the first value_rank - 1 rows does not depend on how ties are ordered
ranked as (
  select
    v.monitor_name, v.slice_index, v.slice_key, v.slice_value, v.slice_id, v.column_name, v.value,
    s.value_count, s.value_mean, s.value_stddev, s.series_id,
    row_number() over (partition by v.monitor_name, s.series_id order by v.value) as value_rank,
    count(*) over (partition by v.monitor_name, s.series_id order by v.value) as le_count,
    rank() over (partition by v.monitor_name, s.series_id order by v.value) - 1 as lt_count,
    coalesce(sum(v.value - s.value_mean) over (
      partition by v.monitor_name, s.series_id order by v.value
      rows between unbounded preceding and 1 preceding), 0) as centered_prefix_sum
  from finite_values as v
  inner join numbered_series as s
    on v.monitor_name = s.monitor_name and v.slice_id = s.slice_id and v.column_name = s.column_name
)
select
  monitor_name,
  {{ model_monitor.reference_version_expr(built, versions) }} as reference_version,
  slice_index, slice_key, slice_value, slice_id, column_name,
  value_rank, value, le_count, value_count, value_mean, value_stddev,
  centered_prefix_sum, lt_count, series_id{{ model_monitor.key_fingerprint_column('monitor_name', 'monitor_name') }}
from ranked
