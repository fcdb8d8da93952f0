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
