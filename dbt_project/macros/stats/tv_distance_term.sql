{#- Total variation distance term of one bin: |p - q|; tv_distance = 0.5 * sum. -#}
{% macro tv_distance_term(p, q) %}
  {{ return(adapter.dispatch('tv_distance_term', 'model_monitor')(p, q)) }}
{% endmacro %}

{% macro default__tv_distance_term(p, q) -%}
  abs({{ p }} - {{ q }})
{%- endmacro %}
