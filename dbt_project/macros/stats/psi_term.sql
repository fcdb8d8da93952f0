{#- PSI term of one bin: (q' - p') * ln(q' / p'), an empty share replaced by epsilon. Sum over bins. -#}
{% macro psi_term(p, q, epsilon) %}
  {{ return(adapter.dispatch('psi_term', 'model_monitor')(p, q, epsilon)) }}
{% endmacro %}

{% macro default__psi_term(p, q, epsilon) -%}
  ((case when {{ q }} > 0 then {{ q }} else {{ epsilon }} end - case when {{ p }} > 0 then {{ p }} else {{ epsilon }} end)
   * ln(case when {{ q }} > 0 then {{ q }} else {{ epsilon }} end / case when {{ p }} > 0 then {{ p }} else {{ epsilon }} end))
{%- endmacro %}
