{#- Orders text by code point on every engine, so tie-breaks (top-k categories) agree across engines. -#}
{% macro text_order(expression) %}
  {{ return(adapter.dispatch('text_order', 'model_monitor')(expression)) }}
{% endmacro %}

{% macro default__text_order(expression) %}{{ expression }}{% endmacro %}
{% macro postgres__text_order(expression) %}{{ expression }} collate "C"{% endmacro %}
