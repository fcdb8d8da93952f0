{#-
  Aggregate: the number of distinct non-null values of an expression. `method` 'exact' is
  count(distinct); 'approximate' uses the engine's sketch (HyperLogLog) where it has one, which
  costs a pass and a few KB per group instead of a hash table or a sort of every value. Engines
  without one count exactly.
-#}
{% macro count_distinct(expression, method='exact') %}
  {%- if method == 'approximate' -%}
    {{ return(adapter.dispatch('approx_count_distinct', 'model_monitor')(expression)) }}
  {%- endif -%}
  {{ return('count(distinct ' ~ expression ~ ')') }}
{% endmacro %}

{% macro default__approx_count_distinct(expression) -%}
  count(distinct {{ expression }})
{%- endmacro %}

{% macro duckdb__approx_count_distinct(expression) -%}
  approx_count_distinct({{ expression }})
{%- endmacro %}

{#- Spark's default relative standard deviation is 5%; 2% costs a few KB more per group. -#}
{% macro spark__approx_count_distinct(expression) -%}
  approx_count_distinct({{ expression }}, 0.02)
{%- endmacro %}

{% macro bigquery__approx_count_distinct(expression) -%}
  approx_count_distinct({{ expression }})
{%- endmacro %}

{% macro snowflake__approx_count_distinct(expression) -%}
  approx_count_distinct({{ expression }})
{%- endmacro %}

{% macro redshift__approx_count_distinct(expression) -%}
  approximate count(distinct {{ expression }})
{%- endmacro %}

{% macro trino__approx_count_distinct(expression) -%}
  approx_distinct({{ expression }})
{%- endmacro %}
