{#- A drift statistic is defined only when both the reference and the window hold values. -#}
{% macro has_both_sides(alias) -%}
  {{ alias }}.reference_count > 0 and {{ alias }}.current_count > 0
{%- endmacro %}
