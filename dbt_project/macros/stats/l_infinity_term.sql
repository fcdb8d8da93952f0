{#- L-infinity distance term of one bin: |p - q|; l_infinity = max over bins. -#}
{% macro l_infinity_term(p, q) %}
  {{ return(adapter.dispatch('l_infinity_term', 'model_monitor')(p, q)) }}
{% endmacro %}

{% macro default__l_infinity_term(p, q) -%}
  abs({{ p }} - {{ q }})
{%- endmacro %}
