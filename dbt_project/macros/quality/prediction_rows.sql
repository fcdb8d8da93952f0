{#-
  A narrow row source over a monitor's predictions, for tables that need no monitored column
  (operations, label coverage): monitor_name, row_id, window_start, window_end, model_version,
  s_<j> (slice column j as text), observed_at, plus each raw column of `columns` (alias -> column
  name) under its alias. Windows, versions, slices and the `cutoff` / `extra_windows` filter are
  those of monitor_rows, so every table splits the same predictions the same way.
-#}
{% macro prediction_rows(monitor, cutoff=none, extra_windows=none, columns={}) %}
  {%- set q = model_monitor.quote_name -%}
  {%- set text = dbt.type_string() -%}
  {%- set ts = 'p.' ~ q(monitor.timestamp_column) -%}
  select
    {{ model_monitor.string_literal(monitor.name) }} as monitor_name,
    cast(p.{{ q(monitor.id_column) }} as {{ text }}) as row_id,
    {{ model_monitor.window_start(monitor.grain, ts) }} as window_start,
    {{ dbt.dateadd(monitor.grain, 1, model_monitor.window_start(monitor.grain, ts)) }} as window_end,
    {%- if monitor.model_version_column is not none %}
    cast(p.{{ q(monitor.model_version_column) }} as {{ text }}) as model_version,
    {%- else %}
    cast(null as {{ text }}) as model_version,
    {%- endif %}
    {%- for slice in monitor.slices %}
    cast(p.{{ q(slice) }} as {{ text }}) as s_{{ loop.index }},
    {%- endfor %}
    {%- for alias, column in columns.items() %}
    p.{{ q(column) }} as {{ alias }},
    {%- endfor %}
    {{ ts }} as observed_at
  from {{ monitor.predictions }} as p
  where {{ ts }} is not null
  {{ model_monitor.recomputed_rows_filter(monitor, ts, cutoff, extra_windows) }}
{% endmacro %}
