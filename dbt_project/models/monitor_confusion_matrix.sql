{{ config(materialized='incremental', incremental_strategy=model_monitor.window_incremental_strategy(),
          unique_key=model_monitor.incremental_unique_key('window_key'),
          partition_by=model_monitor.incremental_partition_by('window_key'), on_schema_change='fail') }}
-- depends_on: {{ ref('mm_reference_versions') }}
{#-
  Confusion matrix of classification monitors per window (the reference's own included), model
  version and slice: labeled rows per (actual class, predicted class). Binary classes are '1'
  (positive) and '0'. Only cells with rows appear.
-#}
{%- set monitors = model_monitor.get_monitors() -%}
{%- set versions = model_monitor.current_reference_versions() -%}
{%- set plans = model_monitor.outcome_window_plans(monitors, versions) -%}
{%- set with_reference = model_monitor.reference_monitors_to_build(monitors, versions, "window_kind = 'reference'") | map(attribute='name') | list -%}
{%- set classifiers = [] -%}
{%- for monitor in monitors if monitor.task in ('binary', 'multiclass') and monitor.labels is not none %}{% do classifiers.append(monitor) %}{% endfor -%}
{%- set text = dbt.type_string() -%}
{%- set g = model_monitor.metric_group_columns() %}
{%- if not classifiers %}
{{ model_monitor.empty_relation([('window_key', text), ('monitor_name', text), ('window_kind', text),
    ('window_start', dbt.type_timestamp()), ('window_end', dbt.type_timestamp()), ('model_version', text),
    ('slice_key', text), ('slice_value', text), ('actual_class', text), ('predicted_class', text),
    ('row_count', dbt.type_bigint()), ('labels_as_of', dbt.type_timestamp()), ('reference_version', text)] + model_monitor.key_fingerprint_columns('window_key')) }}
{%- else %}
with
labeled_predictions as (
  {%- for monitor in classifiers %}
  {% if not loop.first %}union all {% endif %}
  select {{ g }}, label_class, predicted_class
  from (
    {{ model_monitor.planned_outcome_rows(monitor, plans, with_reference) }}
  ) as o
  where label_class is not null and predicted_class is not null
  {%- endfor %}
)
select
  {{ model_monitor.window_key('monitor_name', 'window_kind', 'window_start') }} as window_key,
  {{ g }},
  label_class as actual_class,
  predicted_class,
  cast(count(*) as {{ dbt.type_bigint() }}) as row_count,
  {{ model_monitor.labels_as_of_expr(classifiers, plans) }} as labels_as_of,
  {{ model_monitor.reference_version_expr(classifiers, versions) }} as reference_version{{ model_monitor.key_fingerprint_column(model_monitor.window_key('monitor_name', 'window_kind', 'window_start'), 'window_key') }}
from labeled_predictions
group by {{ g }}, label_class, predicted_class
{%- endif %}
