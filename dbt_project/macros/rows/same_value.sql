{#- Null-safe equality for join keys that may be NULL (model_version, a reference's window_start). -#}
{% macro same_value(left, right) -%}
  coalesce({{ left }}, '') = coalesce({{ right }}, '') and ({{ left }} is null) = ({{ right }} is null)
{%- endmacro %}

{% macro same_window_start(left, right) -%}
  coalesce({{ left }}, {{ model_monitor.timestamp_literal('1900-01-01') }}) = coalesce({{ right }}, {{ model_monitor.timestamp_literal('1900-01-01') }})
{%- endmacro %}
