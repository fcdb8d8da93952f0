{#- Kullback-Leibler divergence term of one bin, of the window from the reference: q ln(q / p'),
    0 where q = 0, an empty reference share replaced by epsilon (as PSI). Sum over bins. -#}
{% macro kl_divergence_term(p, q, epsilon) %}
  {{ return(adapter.dispatch('kl_divergence_term', 'model_monitor')(p, q, epsilon)) }}
{% endmacro %}

{% macro default__kl_divergence_term(p, q, epsilon) -%}
  case when {{ q }} > 0 then {{ q }} * ln({{ q }} / case when {{ p }} > 0 then {{ p }} else {{ epsilon }} end) else 0 end
{%- endmacro %}
