{#- A typed, empty select: the body of a model when no monitor needs rebuilding. -#}
{% macro empty_relation(columns) -%}
  select
  {%- for name, type in columns %}
    cast(null as {{ type }}) as {{ name }}{% if not loop.last %},{% endif %}
  {%- endfor %}
  where 1 = 0
{%- endmacro %}
