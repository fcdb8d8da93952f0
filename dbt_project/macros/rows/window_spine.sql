{#-
  Every window_start of `monitor` from the first recomputed window (`cutoff`, or the first
  window of `rows` on a full build) to the last window of `rows`: the spine that empty windows
  are found on. `rows`: a relation with window_start (the monitor's current rows).
-#}
{% macro window_spine(monitor, rows, cutoff) %}
  select
    {{ dbt.dateadd(monitor.grain, 'n.n', 'b.first_start') }} as window_start
  from (
    select
      {%- if cutoff is not none %}
      {{ model_monitor.timestamp_literal(cutoff) }} as first_start,
      {%- else %}
      min(window_start) as first_start,
      {%- endif %}
      max(window_start) as last_start
    from {{ rows }}
  ) as b
  cross join ({{ model_monitor.numbers(5) }}) as n
  where b.last_start is not null
    and n.n <= {{ dbt.datediff('b.first_start', 'b.last_start', monitor.grain) }}
{% endmacro %}
