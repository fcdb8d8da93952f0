{#-
  monitor_name -> the sorted window starts ('YYYY-MM-DD HH:MM:SS') whose prediction count now
  (mm_window_counts) differs from the count at the last run (mm_window_state): windows that gained
  rows (a late day, late rows), lost some or all of them, or are new. Empty on a full build and
  before the state exists (the first run after an upgrade keeps the plain lookback).
  One query over two small tables: the counts were aggregated once, by mm_window_counts.
-#}
{% macro changed_windows() %}
  {%- set counts = ref('mm_window_counts') -%}
  {%- set changed = {} -%}
  {%- if not execute or not is_incremental() -%}{{ return(changed) }}{%- endif -%}
  {%- set state = model_monitor._package_relation('mm_window_state') -%}
  {%- if state is none -%}{{ return(changed) }}{%- endif -%}
  {%- set query -%}
    select monitor_name, window_start
    from (
      select
        coalesce(c.monitor_name, s.monitor_name) as monitor_name,
        coalesce(c.window_start, s.window_start) as window_start
      from {{ counts }} as c
      full outer join {{ state }} as s
        on c.monitor_name = s.monitor_name and c.window_start = s.window_start
      where coalesce(c.row_count, -1) <> coalesce(s.row_count, -1)
    ) as differing
    order by monitor_name, window_start
  {%- endset -%}
  {%- for row in run_query(query).rows -%}
    {%- do changed.update({row[0]: changed.get(row[0], []) + [model_monitor._as_datetime(row[1]).strftime('%Y-%m-%d %H:%M:%S')]}) -%}
  {%- endfor -%}
  {{ return(changed) }}
{% endmacro %}

{#- A model of this package by name, when it exists (looked up in the graph: a ref may be a cycle). -#}
{% macro _package_relation(name) %}
  {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.package_name == 'model_monitor' and node.name == name -%}
    {{ return(adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias)) }}
  {%- endfor -%}
  {{ return(none) }}
{% endmacro %}
