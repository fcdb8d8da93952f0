{#-
  The windows of `monitor`'s spine (window_spine) that hold none of `rows`: monitor_name,
  window_start, window_end, so that an outage shows as volume 0.
-#}
{% macro empty_windows(monitor, rows, cutoff) %}
  select {{ model_monitor.string_literal(monitor.name) }} as monitor_name, s.window_start,
    {{ dbt.dateadd(monitor.grain, 1, 's.window_start') }} as window_end
  from ({{ model_monitor.window_spine(monitor, rows, cutoff) }}) as s
  where not exists (select 1 from {{ rows }} as r where r.window_start = s.window_start)
{% endmacro %}
