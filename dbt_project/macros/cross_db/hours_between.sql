{#- Hours from one timestamp to another as a double, to the microsecond. -#}
{% macro hours_between(start, end) %}
  {{ return(adapter.dispatch('hours_between', 'model_monitor')(start, end)) }}
{% endmacro %}

{% macro default__hours_between(start, end) -%}
  {{ model_monitor.divide(dbt.datediff(start, end, 'microsecond'), 3600000000) }}
{%- endmacro %}

{#- dbt-spark's datediff has no microsecond part. -#}
{% macro spark__hours_between(start, end) -%}
  (cast(unix_micros(cast({{ end }} as timestamp)) - unix_micros(cast({{ start }} as timestamp)) as double) / 3600000000)
{%- endmacro %}

{#- dbt-trino's datediff stops at milliseconds: seconds since the epoch (as UTC, so no daylight-saving shift) to the microsecond. -#}
{% macro trino__hours_between(start, end) -%}
  ((to_unixtime(with_timezone(cast({{ end }} as timestamp(6)), 'UTC')) - to_unixtime(with_timezone(cast({{ start }} as timestamp(6)), 'UTC'))) / 3600)
{%- endmacro %}
