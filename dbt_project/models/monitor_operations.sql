{{ config(materialized='incremental', incremental_strategy=model_monitor.window_incremental_strategy(),
          unique_key=model_monitor.incremental_unique_key('window_key'),
          partition_by=model_monitor.incremental_partition_by('window_key'), on_schema_change='fail') }}
-- depends_on: {{ ref('mm_reference_versions') }}
{#-
  Serving health per window, model version and slice: volume, throughput, latency percentiles
  (finite latencies only) and errors. Every window between the first and the last appears, empty
  ones with prediction_count 0 (whole population). Reads only the columns it needs.
-#}
{%- set monitors = model_monitor.get_monitors() -%}
{%- set versions = model_monitor.current_reference_versions() -%}
{%- set cutoffs = model_monitor.window_cutoffs(monitors, versions) -%}
{%- set grain_hours = {'hour': 1, 'day': 24, 'week': 168} -%}
{%- set double = model_monitor.type_double() -%}
{%- set text = dbt.type_string() -%}
{%- set bigint = dbt.type_bigint() -%}
{%- set lit = model_monitor.string_literal %}
with
{% for monitor in monitors %}
{%- set columns = {} -%}
{%- if monitor.latency_column is not none -%}{%- do columns.update({'latency_raw': monitor.latency_column}) -%}{%- endif -%}
{%- if monitor.status_column is not none -%}{%- do columns.update({'status_raw': monitor.status_column}) -%}{%- endif %}
rows_{{ loop.index }} as (
  {{ model_monitor.prediction_rows(monitor, cutoffs.get(monitor.name), none, columns) }}
),
call_rows_{{ loop.index }} as (
  select r.monitor_name, r.window_start, r.window_end, r.model_version,
    s.slice_index, s.slice_key,
    {{ model_monitor.slice_value(monitor, 'r') }} as slice_value,
    {%- if monitor.latency_column is not none %}
    -- NaN and infinities are no latency: they stay out of the percentiles and the maximum
    case when {{ model_monitor.is_finite('cast(r.latency_raw as ' ~ double ~ ')') }} then cast(r.latency_raw as {{ double }}) end as latency_ms,
    {%- else %}
    cast(null as {{ double }}) as latency_ms,
    {%- endif %}
    {%- if monitor.status_column is not none %}
    case when cast(r.status_raw as {{ text }}) in ({% for status in monitor.error_statuses %}{{ lit(status) }}{% if not loop.last %}, {% endif %}{% endfor %}) then 1 else 0 end as is_error
    {%- else %}
    cast(null as integer) as is_error
    {%- endif %}
  from rows_{{ loop.index }} as r
  cross join ({{ model_monitor.slice_list(monitor) }}) as s
),
-- every window from the first recomputed one to the last that holds no row: volume 0
empty_windows_{{ loop.index }} as (
  {{ model_monitor.empty_windows(monitor, 'rows_' ~ loop.index, cutoffs.get(monitor.name)) }}
),
{%- endfor %}
window_operations as (
  {%- for monitor in monitors %}
  {%- set has_latency = monitor.latency_column is not none %}
  {% if not loop.first %}union all {% endif %}
  select monitor_name, window_start, window_end, model_version, slice_key, slice_value,
    count(*) as prediction_count,
    -- throughput_per_hour = predictions / hours in the window
    {{ model_monitor.divide('count(*)', grain_hours[monitor.grain]) }} as throughput_per_hour,
    {{ model_monitor.percentile('latency_ms', 0.5) if has_latency else 'cast(null as ' ~ double ~ ')' }} as latency_p50_ms,
    {{ model_monitor.percentile('latency_ms', 0.95) if has_latency else 'cast(null as ' ~ double ~ ')' }} as latency_p95_ms,
    {{ model_monitor.percentile('latency_ms', 0.99) if has_latency else 'cast(null as ' ~ double ~ ')' }} as latency_p99_ms,
    max(latency_ms) as latency_max_ms,
    sum(is_error) as error_count
  from call_rows_{{ loop.index }}
  group by monitor_name, window_start, window_end, model_version, slice_index, slice_key, slice_value
  union all
  select monitor_name, window_start, window_end, cast(null as {{ text }}), cast(null as {{ text }}), cast(null as {{ text }}),
    0, 0, cast(null as {{ double }}), cast(null as {{ double }}), cast(null as {{ double }}), cast(null as {{ double }}),
    {{ '0' if monitor.status_column is not none else 'cast(null as ' ~ bigint ~ ')' }}
  from empty_windows_{{ loop.index }}
  {%- endfor %}
)
select
  {{ model_monitor.window_key('o.monitor_name', "'current'", 'o.window_start') }} as window_key,
  o.monitor_name,
  'current' as window_kind,
  o.window_start,
  o.window_end,
  o.model_version,
  o.slice_key,
  o.slice_value,
  cast(o.prediction_count as {{ bigint }}) as prediction_count,
  cast(o.throughput_per_hour as {{ double }}) as throughput_per_hour,
  cast(o.latency_p50_ms as {{ double }}) as latency_p50_ms,
  cast(o.latency_p95_ms as {{ double }}) as latency_p95_ms,
  cast(o.latency_p99_ms as {{ double }}) as latency_p99_ms,
  cast(o.latency_max_ms as {{ double }}) as latency_max_ms,
  cast(o.error_count as {{ bigint }}) as error_count,
  -- error_rate = error_count / prediction_count
  {{ model_monitor.divide('o.error_count', 'o.prediction_count') }} as error_rate,
  {{ model_monitor.reference_version_expr(monitors, versions, 'o.monitor_name') }} as reference_version{{ model_monitor.key_fingerprint_column(model_monitor.window_key('o.monitor_name', "'current'", 'o.window_start'), 'window_key') }}
from window_operations as o
