{#- Each monitor's labels_as_of (from outcome_window_plans) as a SQL expression on monitor_name. -#}
{% macro labels_as_of_expr(monitors, plans, monitor_column='monitor_name') -%}
  case {% for monitor in monitors %}when {{ monitor_column }} = {{ model_monitor.string_literal(monitor.name) }} then {% if plans.get(monitor.name, {}).get('labels_as_of') %}{{ model_monitor.timestamp_literal(plans[monitor.name].labels_as_of) }}{% else %}cast(null as {{ dbt.type_timestamp() }}){% endif %} {% endfor %}end
{%- endmacro %}
