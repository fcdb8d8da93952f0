{#-
  The outcome rows an outcome table computes for `monitor` in this run: its current windows in
  the run's plan (`plans`, outcome_window_plans), and the reference's rows when they are rebuilt
  (`with_reference`: names of the monitors whose reference rows are).
-#}
{% macro planned_outcome_rows(monitor, plans, with_reference) %}
  {{ model_monitor.outcome_rows(monitor, 'current', plans.get(monitor.name)) }}
  {%- if monitor.name in with_reference %}
  union all
  {{ model_monitor.outcome_rows(monitor, 'reference') }}
  {%- endif %}
{% endmacro %}
