{#-
  The body of a small table with one select per monitor: the caller block renders one monitor's
  select, and `union all` joins them.
    {% call(monitor) model_monitor.union_monitors(monitors) %} select ... {% endcall %}
  With no monitor, a typed empty select of `empty_columns` (empty_relation) when given.
-#}
{% macro union_monitors(monitors, empty_columns=none) -%}
  {%- for monitor in monitors %}
{% if not loop.first %}union all{% endif %}
{{ caller(monitor) }}
  {%- else %}
  {%- if empty_columns is not none %}
{{ model_monitor.empty_relation(empty_columns) }}
  {%- endif %}
  {%- endfor %}
{%- endmacro %}
