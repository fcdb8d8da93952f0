{#-
  True for a finite number; false for NaN and +-inf; NULL for NULL.
  The default relies on NaN comparing greater than every number (PostgreSQL, Spark, Snowflake)
  or unordered (BigQuery), so a range check excludes NaN as well as the infinities.
-#}
{% macro is_finite(expression) %}
  {{ return(adapter.dispatch('is_finite', 'model_monitor')(expression)) }}
{% endmacro %}

{% macro default__is_finite(expression) -%}
  ({{ expression }} between cast('-1.7976931348623157e308' as {{ model_monitor.type_double() }}) and cast('1.7976931348623157e308' as {{ model_monitor.type_double() }}))
{%- endmacro %}

{% macro duckdb__is_finite(expression) -%}
  isfinite({{ expression }})
{%- endmacro %}

{% macro trino__is_finite(expression) -%}
  is_finite({{ expression }})
{%- endmacro %}
