{#- A double as text, the same on every engine ('56', '39.2', '1e+20'): for readable bin labels. -#}
{% macro number_text(expression) %}
  {{ return(adapter.dispatch('number_text', 'model_monitor')(expression)) }}
{% endmacro %}

{% macro default__number_text(expression) -%}
  cast({{ expression }} as {{ dbt.type_string() }})
{%- endmacro %}

{#- DuckDB writes whole doubles as '56.0'; PostgreSQL and most engines write '56'. -#}
{% macro duckdb__number_text(expression) -%}
  regexp_replace(cast({{ expression }} as varchar), '\.0$', '')
{%- endmacro %}

{% macro spark__number_text(expression) -%}
  regexp_replace(cast({{ expression }} as string), '\\.0$', '')
{%- endmacro %}

{#- Trino, like Spark, writes whole doubles as '56.0' (and large ones as '1.0E20'). -#}
{% macro trino__number_text(expression) -%}
  regexp_replace(cast({{ expression }} as varchar), '\.0$', '')
{%- endmacro %}
