{#-
  The unique key of a window's rows: 'monitor|current|<window_start>', or 'monitor|reference|'
  (one reference per monitor, whatever its range), so a recomputed window replaces all its rows.
-#}
{% macro window_key(monitor_name, window_kind, window_start) -%}
  {{ dbt.concat([monitor_name, "'|'", window_kind, "'|'", "case when " ~ window_kind ~ " = 'reference' then '' else cast(" ~ window_start ~ " as " ~ dbt.type_string() ~ ") end"]) }}
{%- endmacro %}
