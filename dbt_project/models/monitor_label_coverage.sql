{{ config(materialized='incremental', incremental_strategy=model_monitor.window_incremental_strategy(),
          unique_key=model_monitor.incremental_unique_key('window_key'),
          partition_by=model_monitor.incremental_partition_by('window_key'), on_schema_change='fail') }}
-- depends_on: {{ ref('mm_reference_versions') }}
{#-
  How many of each window's predictions have a label yet, how long labels took to arrive and how
  many labels came twice, per window (by prediction time), model version and slice. Monitors
  without `labels` have no rows. Late labels change past windows: the outcome window plan
  recomputes those, and labels_as_of records which labels a row has seen.
-#}
{%- set monitors = model_monitor.get_monitors() | rejectattr('labels', 'none') | list -%}
{%- set versions = model_monitor.current_reference_versions() -%}
{%- set plans = model_monitor.outcome_window_plans(monitors, versions) -%}
{%- set double = model_monitor.type_double() -%}
{%- set text = dbt.type_string() -%}
{%- set bigint = dbt.type_bigint() -%}
{%- set timestamp = dbt.type_timestamp() %}
{%- if not monitors %}
{{ model_monitor.empty_relation([
    ('window_key', text), ('monitor_name', text), ('window_kind', text), ('window_start', timestamp),
    ('window_end', timestamp), ('model_version', text), ('slice_key', text), ('slice_value', text),
    ('prediction_count', bigint), ('labeled_count', bigint), ('label_coverage', double),
    ('label_delay_median_hours', double), ('label_delay_max_hours', double),
    ('duplicate_label_count', bigint), ('labels_as_of', timestamp), ('reference_version', text)] + model_monitor.key_fingerprint_columns('window_key')) }}
{%- else %}
with
{% for monitor in monitors %}
{%- set plan = plans.get(monitor.name, {'cutoff': none, 'extra_windows': [], 'labels_as_of': none}) %}
label_stats_{{ loop.index }} as {{ model_monitor.materialized_cte() }} (
  {{ model_monitor.label_stats(monitor.labels) }}
),
labeled_rows_{{ loop.index }} as (
  select r.monitor_name, r.window_start, r.window_end, r.model_version,
    {%- for slice in monitor.slices %}
    r.s_{{ loop.index }},
    {%- endfor %}
    case when l.label_id is null then 0 else 1 end as is_labeled,
    -- labels beyond the first for this prediction
    coalesce(l.label_count - 1, 0) as extra_label_count,
    -- label delay = first label's timestamp - prediction timestamp, in hours (from microseconds)
    {{ model_monitor.hours_between('r.observed_at', 'l.first_label_at') }} as delay_hours
  from ({{ model_monitor.prediction_rows(monitor, plan.cutoff, plan.extra_windows) }}) as r
  left join label_stats_{{ loop.index }} as l
    on r.row_id = l.label_id
),
sliced_rows_{{ loop.index }} as (
  select r.*, s.slice_index, s.slice_key,
    {{ model_monitor.slice_value(monitor, 'r') }} as slice_value
  from labeled_rows_{{ loop.index }} as r
  cross join ({{ model_monitor.slice_list(monitor) }}) as s
),
coverage_{{ loop.index }} as (
  select monitor_name, window_start, window_end, model_version, slice_key, slice_value,
    count(*) as prediction_count,
    sum(is_labeled) as labeled_count,
    {{ model_monitor.median('delay_hours') }} as label_delay_median_hours,
    max(delay_hours) as label_delay_max_hours,
    sum(extra_label_count) as duplicate_label_count,
    {% if plan.labels_as_of is not none %}{{ model_monitor.timestamp_literal(plan.labels_as_of) }}{% else %}cast(null as {{ timestamp }}){% endif %} as labels_as_of
  from sliced_rows_{{ loop.index }}
  group by monitor_name, window_start, window_end, model_version, slice_index, slice_key, slice_value
),
{%- endfor %}
coverage as (
  {%- for monitor in monitors %}
  {% if not loop.first %}union all {% endif %}select * from coverage_{{ loop.index }}
  {%- endfor %}
)
select
  {{ model_monitor.window_key('c.monitor_name', "'current'", 'c.window_start') }} as window_key,
  c.monitor_name,
  'current' as window_kind,
  c.window_start,
  c.window_end,
  c.model_version,
  c.slice_key,
  c.slice_value,
  cast(c.prediction_count as {{ bigint }}) as prediction_count,
  cast(c.labeled_count as {{ bigint }}) as labeled_count,
  -- label_coverage = labeled_count / prediction_count
  {{ model_monitor.divide('c.labeled_count', 'c.prediction_count') }} as label_coverage,
  cast(c.label_delay_median_hours as {{ double }}) as label_delay_median_hours,
  cast(c.label_delay_max_hours as {{ double }}) as label_delay_max_hours,
  cast(c.duplicate_label_count as {{ bigint }}) as duplicate_label_count,
  cast(c.labels_as_of as {{ timestamp }}) as labels_as_of,
  {{ model_monitor.reference_version_expr(monitors, versions, 'c.monitor_name') }} as reference_version{{ model_monitor.key_fingerprint_column(model_monitor.window_key('c.monitor_name', "'current'", 'c.window_start'), 'window_key') }}
from coverage as c
{%- endif %}
