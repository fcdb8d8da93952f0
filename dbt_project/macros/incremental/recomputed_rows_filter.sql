{#-
  The condition on a prediction's timestamp `ts` that keeps the rows of the windows a run
  recomputes: from `cutoff` on, plus each of `extra_windows` (window starts); preceded by `and`,
  and nothing when `cutoff` is none (every window).
-#}
{% macro recomputed_rows_filter(monitor, ts, cutoff, extra_windows=none) -%}
  {%- if cutoff is not none %}
    and ({{ ts }} >= {{ model_monitor.timestamp_literal(cutoff) }}
      {%- for window_start in extra_windows or [] %}
      or ({{ ts }} >= {{ model_monitor.timestamp_literal(window_start) }} and {{ ts }} < {{ dbt.dateadd(monitor.grain, 1, model_monitor.timestamp_literal(window_start)) }})
      {%- endfor %})
  {%- endif %}
{%- endmacro %}
