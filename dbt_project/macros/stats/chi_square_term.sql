{#-
  Pearson chi-square term of one bin of the 2 x k homogeneity table: sum over both rows of
  (observed - expected)^2 / expected, expected = row total * column total / grand total.
  Bins empty on both sides contribute nothing (and are not counted in the degrees of freedom);
  an empty row makes the term NULL (the statistic is undefined), never a division error.
-#}
{% macro chi_square_term(ref_count, cur_count, ref_total, cur_total) %}
  {{ return(adapter.dispatch('chi_square_term', 'model_monitor')(ref_count, cur_count, ref_total, cur_total)) }}
{% endmacro %}

{% macro default__chi_square_term(ref_count, cur_count, ref_total, cur_total) -%}
  {%- set column_share = "(" ~ ref_count ~ " + " ~ cur_count ~ ") / nullif(" ~ ref_total ~ " + " ~ cur_total ~ ", 0)" -%}
  case when {{ ref_count }} + {{ cur_count }} > 0 then
    power({{ ref_count }} - {{ ref_total }} * {{ column_share }}, 2) / nullif({{ ref_total }} * {{ column_share }}, 0)
    + power({{ cur_count }} - {{ cur_total }} * {{ column_share }}, 2) / nullif({{ cur_total }} * {{ column_share }}, 0)
  else 0 end
{%- endmacro %}
