{#- Float division that is NULL, never an error, when the denominator is 0 or NULL. -#}
{% macro divide(numerator, denominator) -%}
  (cast({{ numerator }} as {{ model_monitor.type_double() }}) / nullif(cast({{ denominator }} as {{ model_monitor.type_double() }}), 0))
{%- endmacro %}
