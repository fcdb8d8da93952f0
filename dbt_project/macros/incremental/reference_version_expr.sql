{#- A SQL expression giving each monitor's current reference_version, keyed on `monitor_column`. -#}
{% macro reference_version_expr(monitors, versions, monitor_column='monitor_name') -%}
  {%- if not monitors -%}
    cast(null as {{ dbt.type_string() }})
  {%- else -%}
    case {{ monitor_column }}
    {%- for monitor in monitors %} when {{ model_monitor.string_literal(monitor.name) }} then {{ model_monitor.string_literal(versions.get(monitor.name, '')) }}{% endfor %} end
  {%- endif -%}
{%- endmacro %}
