{#-
  The monitors whose reference-derived rows must be (re)built in this model: all of them on a
  full build, otherwise those whose stored reference_version differs from the current one.
  `version_filter` restricts which stored rows count (e.g. only reference windows).
-#}
{% macro reference_monitors_to_build(monitors, versions, version_filter='1 = 1') %}
  {%- if not execute or not is_incremental() -%}{{ return(monitors) }}{%- endif -%}
  {%- set stored = {} -%}
  {%- set result = run_query("select distinct monitor_name, reference_version from " ~ this ~ " where " ~ version_filter) -%}
  {%- for row in result.rows -%}
    {%- do stored.update({row[0]: stored.get(row[0], []) + [row[1]]}) -%}
  {%- endfor -%}
  {%- set changed = [] -%}
  {%- for monitor in monitors -%}
    {%- if stored.get(monitor.name, []) != [versions.get(monitor.name)] -%}
      {%- do changed.append(monitor) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(changed) }}
{% endmacro %}
