{{ config(materialized='incremental', incremental_strategy=model_monitor.window_incremental_strategy(),
          unique_key=model_monitor.incremental_unique_key('window_key'),
          partition_by=model_monitor.incremental_partition_by('window_key'), on_schema_change='fail') }}
-- depends_on: {{ ref('mm_reference_versions') }}
{#-
  Calibration table of binary monitors with a score, per window (the reference's own included),
  model version, slice and probability bin ((k-1)/B, k/B], B = calibration_bins): labeled rows,
  their mean predicted probability and the observed positive rate.
-#}
{%- set monitors = model_monitor.get_monitors() -%}
{%- set versions = model_monitor.current_reference_versions() -%}
{%- set plans = model_monitor.outcome_window_plans(monitors, versions) -%}
{%- set with_reference = model_monitor.reference_monitors_to_build(monitors, versions, "window_kind = 'reference'") | map(attribute='name') | list -%}
{%- set scored = [] -%}
{%- for monitor in monitors if monitor.task == 'binary' and monitor.score_column is not none and monitor.labels is not none %}{% do scored.append(monitor) %}{% endfor -%}
{%- set double = model_monitor.type_double() -%}
{%- set text = dbt.type_string() -%}
{%- set lit = model_monitor.string_literal -%}
{%- set g = model_monitor.metric_group_columns() %}
{%- if not scored %}
{{ model_monitor.empty_relation([('window_key', text), ('monitor_name', text), ('window_kind', text),
    ('window_start', dbt.type_timestamp()), ('window_end', dbt.type_timestamp()), ('model_version', text),
    ('slice_key', text), ('slice_value', text), ('bin_index', dbt.type_int()), ('lower_bound', double),
    ('upper_bound', double), ('prediction_count', dbt.type_bigint()), ('mean_prediction', double),
    ('observed_rate', double), ('labels_as_of', dbt.type_timestamp()), ('reference_version', text)] + model_monitor.key_fingerprint_columns('window_key')) }}
{%- else %}
with
labeled_scores as (
  {%- for monitor in scored %}
  {% if not loop.first %}union all {% endif %}
  select {{ g }}, score, label_class
  from (
    {{ model_monitor.planned_outcome_rows(monitor, plans, with_reference) }}
  ) as o
  where label_class is not null and {{ model_monitor.is_finite('score') }}
  {%- endfor %}
),
cells as (
  select {{ g }},
    {{ model_monitor.calibration_bin('score', model_monitor.monitor_setting_sql(scored, 'calibration_bins')) }} as bin_index,
    count(*) as prediction_count,
    avg(score) as mean_prediction,
    avg(case when label_class = '1' then cast(1 as {{ model_monitor.type_double() }}) else cast(0 as {{ model_monitor.type_double() }}) end) as observed_rate
  from labeled_scores
  group by {{ g }}, {{ model_monitor.calibration_bin('score', model_monitor.monitor_setting_sql(scored, 'calibration_bins')) }}
)
select
  {{ model_monitor.window_key('monitor_name', 'window_kind', 'window_start') }} as window_key,
  {{ g }},
  bin_index,
  cast(bin_index - 1 as {{ double }}) / {{ model_monitor.monitor_setting_sql(scored, 'calibration_bins') }} as lower_bound,
  cast(bin_index as {{ double }}) / {{ model_monitor.monitor_setting_sql(scored, 'calibration_bins') }} as upper_bound,
  cast(prediction_count as {{ dbt.type_bigint() }}) as prediction_count,
  cast(mean_prediction as {{ double }}) as mean_prediction,
  cast(observed_rate as {{ double }}) as observed_rate,
  {{ model_monitor.labels_as_of_expr(scored, plans) }} as labels_as_of,
  {{ model_monitor.reference_version_expr(scored, versions) }} as reference_version{{ model_monitor.key_fingerprint_column(model_monitor.window_key('monitor_name', 'window_kind', 'window_start'), 'window_key') }}
from cells
{%- endif %}
