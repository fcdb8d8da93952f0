{#-
  monitor_name -> the first window start to recompute ('YYYY-MM-DD HH:MM:SS'), or none to
  recompute every window: on a full build, for a monitor not stored yet, and for a monitor whose
  stored rows were computed against another reference_version.
  Otherwise: the last stored window start minus lookback_windows grains, or the oldest window
  whose prediction count changed since the last run (changed_windows) when that is older, so a
  late day or late rows beyond the lookback are taken in as well.
-#}
{% macro window_cutoffs(monitors, versions) %}
  {%- set cutoffs = {} -%}
  {%- set changed = model_monitor.changed_windows() -%}
  {%- if not execute or not is_incremental() -%}{{ return(cutoffs) }}{%- endif -%}
  {%- set result = run_query(
      "select monitor_name, reference_version, max(window_start) from " ~ this
      ~ " where window_start is not null and window_kind = 'current' group by monitor_name, reference_version") -%}
  {%- set stored = {} -%}
  {%- for row in result.rows -%}
    {%- do stored.update({row[0]: stored.get(row[0], []) + [(row[1], row[2])]}) -%}
  {%- endfor -%}
  {%- set grain_hours = {'hour': 1, 'day': 24, 'week': 168} -%}
  {%- for monitor in monitors -%}
    {%- set rows = stored.get(monitor.name, []) -%}
    {%- if rows | length == 1 and rows[0][0] == versions.get(monitor.name) and rows[0][1] is not none -%}
      {%- set last_start = rows[0][1] -%}
      {%- if last_start is string -%}
        {%- set last_start = modules.datetime.datetime.fromisoformat(last_start) -%}
      {%- endif -%}
      {%- set cutoff = last_start - modules.datetime.timedelta(hours=grain_hours[monitor.grain] * monitor.lookback_windows) -%}
      {%- set cutoff = cutoff.strftime('%Y-%m-%d %H:%M:%S') -%}
      {%- set oldest_changed = (changed.get(monitor.name) or [cutoff]) | first -%}
      {%- do cutoffs.update({monitor.name: [cutoff, oldest_changed] | min}) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(cutoffs) }}
{% endmacro %}

{#- Whether a monitor's windows are recomputed from `cutoff` only (an incremental run). -#}
{% macro window_filter_sql(column, cutoff) -%}
  {%- if cutoff is none -%}1 = 1{%- else -%}{{ column }} >= {{ model_monitor.timestamp_literal(cutoff) }}{%- endif -%}
{%- endmacro %}
