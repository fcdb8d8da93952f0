{#-
  mm_latest_labels' pre-hook on an incremental run: deletes the stored labels of every monitor
  the run rebuilds (or that is no longer configured), so an id whose label is gone leaves no row.
-#}
{% macro delete_replaced_labels() %}
  {%- if not execute or not is_incremental() -%}{{ return('') }}{%- endif -%}
  {%- set kept = model_monitor.latest_labels_plan(model_monitor.get_monitors()) -%}
  delete from {{ this }}
  {%- if kept %}
  where monitor_name not in ({% for name in kept %}{{ model_monitor.string_literal(name) }}{% if not loop.last %}, {% endif %}{% endfor %})
  {%- endif %}
{% endmacro %}
