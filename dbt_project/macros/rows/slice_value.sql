{#-
  The slice value of a row crossed with slice_list (alias `slice_alias`): the row's slice column
  `<row_alias>.s_<i>` for slice i, NULL for the whole population (slice 0) and when the monitor
  has no slices.
-#}
{% macro slice_value(monitor, row_alias, slice_alias='s') -%}
  {%- if monitor.slices -%}
    case {{ slice_alias }}.slice_index{% for slice in monitor.slices %} when {{ loop.index }} then {{ row_alias }}.s_{{ loop.index }}{% endfor %} end
  {%- else -%}
    cast(null as {{ dbt.type_string() }})
  {%- endif -%}
{%- endmacro %}
