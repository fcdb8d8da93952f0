{#- Orders text by code point on every engine, so tie-breaks (top-k categories) agree across engines. -#}
{% macro text_order(expression) %}
  {{ return(adapter.dispatch('text_order', 'model_monitor')(expression)) }}
{% endmacro %}

{% macro default__text_order(expression) %}{{ expression }}{% endmacro %}
{% macro postgres__text_order(expression) %}{{ expression }} collate "C"{% endmacro %}
{#- Snowflake compares bytewise unless a default collation applies (DEFAULT_DDL_COLLATION): ask for utf8. -#}
{% macro snowflake__text_order(expression) %}collate({{ expression }}, 'utf8'){% endmacro %}
