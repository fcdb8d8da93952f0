{#-
  The start of the window holding a timestamp: the timestamp truncated to the grain, weeks
  starting on Monday on every engine.
-#}
{% macro window_start(grain, timestamp) %}
  {{ return(adapter.dispatch('window_start', 'model_monitor')(grain, timestamp)) }}
{% endmacro %}

{% macro default__window_start(grain, timestamp) -%}
  {{ dbt.date_trunc(grain, timestamp) }}
{%- endmacro %}

{#- BigQuery's week starts on Sunday; isoweek starts on Monday. -#}
{% macro bigquery__window_start(grain, timestamp) -%}
  {%- if grain == 'week' -%}
    timestamp_trunc(cast({{ timestamp }} as timestamp), isoweek)
  {%- else -%}
    {{ dbt.date_trunc(grain, timestamp) }}
  {%- endif -%}
{%- endmacro %}

{#- Snowflake's week start follows the WEEK_START session parameter; count from the ISO weekday. -#}
{% macro snowflake__window_start(grain, timestamp) -%}
  {%- if grain == 'week' -%}
    dateadd(day, 1 - dayofweekiso({{ timestamp }}), date_trunc('day', {{ timestamp }}))
  {%- else -%}
    {{ dbt.date_trunc(grain, timestamp) }}
  {%- endif -%}
{%- endmacro %}
