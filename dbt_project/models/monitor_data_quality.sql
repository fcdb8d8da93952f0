{{ config(materialized='incremental', incremental_strategy=model_monitor.window_incremental_strategy(),
          unique_key=model_monitor.incremental_unique_key('window_key'),
          partition_by=model_monitor.incremental_partition_by('window_key'), on_schema_change='fail') }}
-- depends_on: {{ ref('mm_reference_versions') }}
{#-
  Data quality per window, model version and slice: one `window` row (prediction volume and
  duplicate ids; every window between the first and the last appears, empty ones with volume 0)
  and one `column` row per monitored column (nulls, NaN/inf, distinct values, moments of the
  finite values, values outside the reference's range, categories the reference never saw).
-#}
{%- set monitors = model_monitor.get_monitors() -%}
{%- set versions = model_monitor.current_reference_versions() -%}
{%- set cutoffs = model_monitor.window_cutoffs(monitors, versions) -%}
{%- set double = model_monitor.type_double() -%}
{%- set text = dbt.type_string() -%}
{%- set lit = model_monitor.string_literal -%}
{%- set column_batch_size = 60 %}
with
{% for monitor in monitors %}
rows_{{ loop.index }} as (
  {{ model_monitor.monitor_rows(monitor, 'current', cutoffs.get(monitor.name)) }}
),
sliced_rows_{{ loop.index }} as (
  select r.window_start, r.model_version, r.row_id, s.slice_index,
    {{ model_monitor.slice_value(monitor, 'r') }} as slice_value
  from rows_{{ loop.index }} as r
  cross join ({{ model_monitor.slice_list(monitor) }}) as s
),
-- every window from the first recomputed one to the last that holds no row: volume 0
empty_windows_{{ loop.index }} as (
  {{ model_monitor.empty_windows(monitor, 'rows_' ~ loop.index, cutoffs.get(monitor.name)) }}
),
{%- endfor %}
window_rows as (
  {%- for monitor in monitors %}
  {% if not loop.first %}union all {% endif %}
  select {{ lit(monitor.name) }} as monitor_name, w.window_start, {{ dbt.dateadd(monitor.grain, 1, 'w.window_start') }} as window_end,
    w.model_version, s.slice_key, w.slice_value, w.prediction_count, w.duplicate_id_count
  from (
    select window_start, model_version, slice_index, slice_value,
      count(*) as prediction_count,
      count(row_id) - count(distinct row_id) as duplicate_id_count
    from sliced_rows_{{ loop.index }}
    group by window_start, model_version, slice_index, slice_value
  ) as w
  inner join ({{ model_monitor.slice_list(monitor) }}) as s on w.slice_index = s.slice_index
  union all
  select monitor_name, window_start, window_end, cast(null as {{ text }}), cast(null as {{ text }}), cast(null as {{ text }}), 0, 0
  from empty_windows_{{ loop.index }}
  {%- endfor %}
),
reference_ranges as (
  select monitor_name, column_name, min(value) as reference_min, max(value) as reference_max
  from {{ ref('mm_reference_numeric') }}
  where slice_index = 0
  group by monitor_name, column_name
),
-- in batches of columns, so no select list outgrows an engine's column limit
column_rows as (
  {%- for monitor in monitors %}
  {%- set outer = loop %}
  {%- for columns in monitor.columns | batch(column_batch_size) %}
  {% if not (outer.first and loop.first) %}union all {% endif %}{{ model_monitor.quality_column_stats(monitor, columns, 'rows_' ~ outer.index, 'reference_ranges', ref('mm_reference_categories')) }}
  {%- endfor %}
  {%- endfor %}
),
quality as (
  select
    monitor_name, window_start, window_end, model_version, slice_key, slice_value,
    'window' as metric_scope,
    cast(null as {{ text }}) as column_name, cast(null as {{ text }}) as column_role, cast(null as {{ text }}) as column_kind,
    prediction_count as row_count,
    cast(null as {{ dbt.type_bigint() }}) as null_count, cast(null as {{ double }}) as null_rate,
    cast(null as {{ dbt.type_bigint() }}) as nan_count, cast(null as {{ dbt.type_bigint() }}) as distinct_count,
    cast(null as {{ double }}) as min_value, cast(null as {{ double }}) as max_value,
    cast(null as {{ double }}) as mean_value, cast(null as {{ double }}) as stddev_value,
    cast(null as {{ dbt.type_bigint() }}) as out_of_range_count, cast(null as {{ dbt.type_bigint() }}) as unseen_category_count,
    prediction_count, duplicate_id_count
  from window_rows
  union all
  select
    monitor_name, window_start, window_end, model_version, slice_key, slice_value,
    'column', column_name, column_role, column_kind,
    row_count, null_count, {{ model_monitor.divide('null_count', 'row_count') }},
    case when column_kind = 'numerical' then nan_count end,
    distinct_count, min_value, max_value, mean_value, stddev_value,
    case when column_kind = 'numerical' then out_of_range_count end,
    case when column_kind = 'categorical' then unseen_category_count end,
    cast(null as {{ dbt.type_bigint() }}), cast(null as {{ dbt.type_bigint() }})
  from column_rows
)
select
  {{ model_monitor.window_key('q.monitor_name', "'current'", 'q.window_start') }} as window_key,
  q.monitor_name,
  'current' as window_kind,
  q.window_start,
  q.window_end,
  q.model_version,
  q.slice_key,
  q.slice_value,
  q.metric_scope,
  q.column_name,
  q.column_role,
  q.column_kind,
  cast(q.row_count as {{ dbt.type_bigint() }}) as row_count,
  cast(q.null_count as {{ dbt.type_bigint() }}) as null_count,
  q.null_rate,
  cast(q.nan_count as {{ dbt.type_bigint() }}) as nan_count,
  cast(q.distinct_count as {{ dbt.type_bigint() }}) as distinct_count,
  cast(q.min_value as {{ double }}) as min_value,
  cast(q.max_value as {{ double }}) as max_value,
  cast(q.mean_value as {{ double }}) as mean_value,
  cast(q.stddev_value as {{ double }}) as stddev_value,
  cast(q.out_of_range_count as {{ dbt.type_bigint() }}) as out_of_range_count,
  cast(q.unseen_category_count as {{ dbt.type_bigint() }}) as unseen_category_count,
  cast(q.prediction_count as {{ dbt.type_bigint() }}) as prediction_count,
  cast(q.duplicate_id_count as {{ dbt.type_bigint() }}) as duplicate_id_count,
  {{ model_monitor.reference_version_expr(monitors, versions, 'q.monitor_name') }} as reference_version{{ model_monitor.key_fingerprint_column(model_monitor.window_key('q.monitor_name', "'current'", 'q.window_start'), 'window_key') }}
from quality as q
