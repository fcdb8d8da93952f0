{#-
  Pearson chi-square term of one bin of the 2 x k homogeneity table: sum over both rows of
  (observed - expected)^2 / expected, expected = row total * column total / grand total.
  Bins empty on both sides contribute nothing (and are not counted in the degrees of freedom).
-#}
{% macro chi_square_term(ref_count, cur_count, ref_total, cur_total) %}
  {{ return(adapter.dispatch('chi_square_term', 'model_monitor')(ref_count, cur_count, ref_total, cur_total)) }}
{% endmacro %}

{% macro default__chi_square_term(ref_count, cur_count, ref_total, cur_total) -%}
  case when {{ ref_count }} + {{ cur_count }} > 0 then
    power({{ ref_count }} - {{ ref_total }} * ({{ ref_count }} + {{ cur_count }}) / ({{ ref_total }} + {{ cur_total }}), 2)
      / ({{ ref_total }} * ({{ ref_count }} + {{ cur_count }}) / ({{ ref_total }} + {{ cur_total }}))
    + power({{ cur_count }} - {{ cur_total }} * ({{ ref_count }} + {{ cur_count }}) / ({{ ref_total }} + {{ cur_total }}), 2)
      / ({{ cur_total }} * ({{ ref_count }} + {{ cur_count }}) / ({{ ref_total }} + {{ cur_total }}))
  else 0 end
{%- endmacro %}
