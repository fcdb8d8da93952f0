{#- Aggregate: the median of an expression's non-null values (the mean of the middle two for an even count). -#}
{% macro median(expression) %}
  {{ return(adapter.dispatch('median', 'model_monitor')(expression)) }}
{% endmacro %}

{% macro default__median(expression) -%}
  {{ model_monitor.percentile(expression, 0.5) }}
{%- endmacro %}
