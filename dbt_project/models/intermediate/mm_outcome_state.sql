{{ config(materialized='table') }}
-- depends_on: {{ ref('monitor_performance') }}
-- depends_on: {{ ref('monitor_score_cells') }}
-- depends_on: {{ ref('monitor_calibration') }}
-- depends_on: {{ ref('monitor_confusion_matrix') }}
-- depends_on: {{ ref('monitor_residuals') }}
-- depends_on: {{ ref('monitor_label_coverage') }}
{#-
  What the outcome tables were computed from, per monitor: the last prediction window and the
  newest label timestamp. It is built after them, and the next run's outcome_window_plans read it
  (without a ref, which would be a cycle), so every outcome table recomputes the same windows.
-#}
{%- set q = model_monitor.quote_name -%}
{%- call(monitor) model_monitor.union_monitors(model_monitor.get_monitors()) %}
select
  {{ model_monitor.string_literal(monitor.name) }} as monitor_name,
  (select max({{ model_monitor.prediction_window_start(monitor) }}) from {{ monitor.predictions }}) as last_window_start,
  {%- if monitor.labels is not none and monitor.labels.timestamp_column is not none %}
  (select max({{ q(monitor.labels.timestamp_column) }}) from {{ monitor.labels.relation }}) as labels_as_of
  {%- else %}
  cast(null as {{ dbt.type_timestamp() }}) as labels_as_of
  {%- endif %}
{%- endcall %}
