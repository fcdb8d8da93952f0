{#-
  distribution_bin_counts' rows for one monitor's numerical columns, summed from the window state
  instead of a scan of the rows: when bins divides grid_cells, every coarse edge
  r_(ceil(i * n / bins)) is also a grid edge, so each grid cell lies inside one coarse bin, the
  bin holding its upper edge (1 + the coarse edges below it). Cell 0 is the NULL bucket; cell -1
  (NaN, infinities) falls in no bin but counts as rows. `cutoff` as in monitor_rows.
-#}
{% macro distribution_counts_from_cells(monitor, cutoff, with_reference) %}
  {%- set lit = model_monitor.string_literal -%}
  select
    c.monitor_name, c.window_kind, c.window_start, c.window_end, c.model_version,
    case when c.slice_key is null then 0{% for slice in monitor.slices %} when c.slice_key = {{ lit(slice) }} then {{ loop.index }}{% endfor %} end as slice_index,
    c.slice_key, c.slice_value, c.column_name,
    case when c.cell_index = 0 then 0 when c.cell_index > 0 then coalesce(b.bin_index, 1) end as bin_index,
    cast(sum(c.value_count) as {{ dbt.type_bigint() }}) as bin_count
  from {{ ref('monitor_value_cells') }} as c
  left join (
    select g.column_name, g.cell_index,
      1 + sum(case when r.upper_bound is not null and (g.upper_edge is null or r.upper_bound < g.upper_edge) then 1 else 0 end) as bin_index
    from {{ ref('monitor_value_grid') }} as g
    inner join {{ ref('monitor_reference_bins') }} as r
      on r.monitor_name = g.monitor_name and r.column_name = g.column_name and r.bin_type = 'range'
    where g.monitor_name = {{ lit(monitor.name) }}
    group by g.column_name, g.cell_index
  ) as b
    on c.column_name = b.column_name and c.cell_index = b.cell_index
  where c.monitor_name = {{ lit(monitor.name) }}
    and ((c.window_kind = 'current' and {{ model_monitor.window_filter_sql('c.window_start', cutoff) }})
      {%- if with_reference %} or c.window_kind = 'reference'{% endif %})
  group by c.monitor_name, c.window_kind, c.window_start, c.window_end, c.model_version, c.slice_key, c.slice_value, c.column_name,
    case when c.cell_index = 0 then 0 when c.cell_index > 0 then coalesce(b.bin_index, 1) end
{% endmacro %}
