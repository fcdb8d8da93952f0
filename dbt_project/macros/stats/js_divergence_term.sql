{#-
  Jensen-Shannon divergence term of one bin, base 2: 0.5 p log2(p / m) + 0.5 q log2(q / m),
  m = (p + q) / 2, with 0 log 0 = 0. js_distance = sqrt(sum of terms).
-#}
{% macro js_divergence_term(p, q) %}
  {{ return(adapter.dispatch('js_divergence_term', 'model_monitor')(p, q)) }}
{% endmacro %}

{% macro default__js_divergence_term(p, q) -%}
  ((case when {{ p }} > 0 then 0.5 * {{ p }} * ln(2 * {{ p }} / ({{ p }} + {{ q }})) else 0 end
    + case when {{ q }} > 0 then 0.5 * {{ q }} * ln(2 * {{ q }} / ({{ p }} + {{ q }})) else 0 end) / ln(2))
{%- endmacro %}
