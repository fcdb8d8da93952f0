{#-
  Aggregate: the p-th quantile (0 <= p <= 1) of an expression's non-null values, interpolated
  linearly between the two nearest ranks (numpy `percentile` default, method "linear").
-#}
{% macro percentile(expression, p) %}
  {%- if p is not number or p < 0 or p > 1 -%}
    {{ exceptions.raise_compiler_error("model_monitor: percentile p must be a number from 0 to 1; got " ~ p | string) }}
  {%- endif -%}
  {{ return(adapter.dispatch('percentile', 'model_monitor')(expression, p)) }}
{% endmacro %}

{% macro default__percentile(expression, p) -%}
  percentile_cont({{ p }}) within group (order by {{ expression }})
{%- endmacro %}

{% macro spark__percentile(expression, p) -%}
  percentile({{ expression }}, {{ p }})
{%- endmacro %}
{% macro databricks__percentile(expression, p) -%}{{ model_monitor.spark__percentile(expression, p) }}{%- endmacro %}
