{#- A per-monitor setting as a SQL expression keyed on monitor_name (e.g. calibration_bins). -#}
{% macro monitor_setting_sql(monitors, setting, monitor_column='monitor_name') -%}
  case {{ monitor_column }}{% for monitor in monitors %} when {{ model_monitor.string_literal(monitor.name) }} then {{ monitor[setting] }}{% endfor %} end
{%- endmacro %}
