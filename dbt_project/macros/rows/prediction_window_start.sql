{#-
  The window_start of a monitor's prediction: its timestamp column (quoted; on `alias` when
  given) truncated to the monitor's grain.
-#}
{% macro prediction_window_start(monitor, alias=none) -%}
  {%- set column = model_monitor.quote_name(monitor.timestamp_column) -%}
  {{ model_monitor.window_start(monitor.grain, alias ~ '.' ~ column if alias else column) }}
{%- endmacro %}
