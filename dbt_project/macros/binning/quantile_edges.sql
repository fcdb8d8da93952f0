{#-
  The binning rule, shared by the coarse bins (monitor_reference_bins) and the fine grid
  (monitor_value_grid): per monitor and numerical column, the distinct inverted-CDF quantiles
  e_i = r_(ceil(i * n / target)), i = 1 .. target - 1, of the whole reference's finite values, in
  order. Returns monitor_name, column_name, edge, edge_index, edge_count, previous_edge and, when
  `with_counts`, le_count (reference values <= edge), value_count and previous_le_count.
    target_key     the monitor key holding the target count ('bins', 'grid_cells')
    sorted_values  mm_reference_numeric's whole-reference rows (slice_index = 0) of `monitors`
    value_counts   its distinct (monitor_name, column_name, value_count)
    digits         decimal digits of the numbers the positions are drawn from (numbers())
-#}
{% macro quantile_edges(monitors, target_key, sorted_values, value_counts, digits, with_counts=false) %}
  {%- set double = model_monitor.type_double() %}
  select monitor_name, column_name, edge,{% if with_counts %} le_count, value_count,{% endif %}
    row_number() over (partition by monitor_name, column_name order by edge) as edge_index,
    count(*) over (partition by monitor_name, column_name) as edge_count,
    lag(edge) over (partition by monitor_name, column_name order by edge) as previous_edge
    {%- if with_counts %},
    lag(le_count) over (partition by monitor_name, column_name order by edge) as previous_le_count
    {%- endif %}
  from (
    -- -0.0 and 0.0 tie; which one an engine keeps is arbitrary, so store +0.0
    select distinct s.monitor_name, s.column_name,
      case when s.value = 0 then cast(0 as {{ double }}) else s.value end as edge{% if with_counts %}, s.le_count, s.value_count{% endif %}
    from {{ sorted_values }} as s
    inner join (
      -- e_i = r_(ceil(i * n / target)): the inverted-CDF quantile at i / target
      select c.monitor_name, c.column_name,
        cast(ceil(cast(q.quantile_index as {{ double }}) * c.value_count / q.target) as {{ dbt.type_bigint() }}) as value_rank
      from {{ value_counts }} as c
      inner join (
        {%- for monitor in monitors %}
        {% if not loop.first %}union all {% endif %}select {{ model_monitor.string_literal(monitor.name) }} as monitor_name, n as quantile_index, {{ monitor[target_key] }} as target
        from ({{ model_monitor.numbers(digits) }}) as numbers where n between 1 and {{ monitor[target_key] - 1 }}
        {%- endfor %}
      ) as q on c.monitor_name = q.monitor_name
    ) as e
      on s.monitor_name = e.monitor_name and s.column_name = e.column_name and s.value_rank = e.value_rank
  ) as edges
{% endmacro %}
