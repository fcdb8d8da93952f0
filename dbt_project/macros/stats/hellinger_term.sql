{#- Hellinger distance term of one bin: (sqrt(p) - sqrt(q))^2; hellinger = sqrt(0.5 * sum). -#}
{% macro hellinger_term(p, q) %}
  {{ return(adapter.dispatch('hellinger_term', 'model_monitor')(p, q)) }}
{% endmacro %}

{% macro default__hellinger_term(p, q) -%}
  power(sqrt({{ p }}) - sqrt({{ q }}), 2)
{%- endmacro %}
