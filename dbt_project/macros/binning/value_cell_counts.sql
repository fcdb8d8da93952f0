{#-
  The window state of one monitor's numerical columns: per window (`rows_cte`, monitor_rows),
  model version, slice, column and grid cell (`edges_cte`, value_grid_edges), the finite values'
  count, the count tied at the cell's upper edge, and the min, max and sum of the values strictly
  inside the cell; cell 0 counts the NULLs and cell -1 the NaN and infinite values. Every field adds up (counts and sums
  by +, min and max by least and greatest), so any union of windows is the merge of their rows.
  As in distribution_bin_counts, each value is located once and counted per combination of
  slice values; each slice then merges those few rows.
-#}
{% macro value_cell_counts(monitor, rows_cte, edges_cte) %}
  {%- set lit = model_monitor.string_literal -%}
  {%- set bigint = dbt.type_bigint() -%}
  {%- set numerical = monitor.columns | selectattr('kind', 'equalto', 'numerical') | list -%}
  {%- set block = model_monitor.grid_block_size(monitor.grid_cells) | int -%}
  {%- set block_count = ((monitor.grid_cells - 1) // block) -%}
  {%- set keys = ['window_kind', 'window_start', 'window_end', 'model_version'] -%}
  {%- for slice in monitor.slices %}{% do keys.append('s_' ~ loop.index) %}{% endfor -%}
  {%- set slice_value = model_monitor.slice_value(monitor, 'f') -%}
  {%- set out_keys = keys[:4] + ['slice_key', 'slice_value', 'column_name'] -%}
  select
    {{ lit(monitor.name) }} as monitor_name, {% for key in out_keys %}h.{{ key }}, {% endfor %}h.cell_index,
    cast(sum(h.value_count) as {{ bigint }}) as value_count,
    cast(sum(case when h.on_edge then h.value_count else 0 end) as {{ bigint }}) as edge_count,
    min(case when h.inside then h.code_min end) as interior_min,
    max(case when h.inside then h.code_max end) as interior_max,
    sum(case when h.inside then h.code_sum end) as interior_sum
  from (
    -- per code (2k: on the upper edge of cell k, 2k - 1: inside it), merged into cells here, on
    -- few rows: the scans below group by plain columns, with no CASE per value
    select m.*, m.is_finite and m.cell_code = 2 * m.cell_index as on_edge, m.is_finite and m.cell_code < 2 * m.cell_index as inside
    from (
      select c.*,
        case when c.is_null then 0 when not c.is_finite then -1 else cast(floor((c.cell_code + 1) / 2.0) as {{ dbt.type_int() }}) end as cell_index
      from (
        select {% for key in keys[:4] %}f.{{ key }}, {% endfor %}s.slice_key, {{ slice_value }} as slice_value, c.column_name,
          f.is_null, f.is_finite, f.cell_code,
          sum(f.value_count) as value_count, min(f.code_min) as code_min, max(f.code_max) as code_max, sum(f.code_sum) as code_sum
        from (
          select {% for key in keys %}coded.{{ key }}, {% endfor %}coded.column_index, coded.is_null, coded.is_finite, coded.cell_code,
            count(*) as value_count, min(coded.x) as code_min, max(coded.x) as code_max, sum(coded.x) as code_sum
          from (
            -- the code of cell k = block * block_size + r is 2 * block * block_size + the code of r
            -- in its block; NULL, NaN and infinite values get a code too, and are told apart by
            -- the flags (cell 0 holds NULLs, cell -1 NaN and infinities)
            select {% for key in keys %}blocked.{{ key }}, {% endfor %}blocked.column_index, blocked.x,
              blocked.x is null as is_null, coalesce({{ model_monitor.is_finite('blocked.x') }}, false) as is_finite,
              2 * blocked.block_index * {{ block }} + {{ model_monitor.value_cell_code('blocked.x', 'e.edge_', block) }} as cell_code
            from (
              select {% for key in keys %}v.{{ key }}, {% endfor %}v.column_index, v.x,
                {{ model_monitor.value_cell_code('v.x', 'b.block_end_', block_count, coded=false) }} - 1 as block_index
              from (
                select {% for key in keys %}r.{{ key }}, {% endfor %}n.column_index,
                  case n.column_index{% for column in numerical %} when {{ column.index }} then r.v_{{ column.index }}{% endfor %} end as x
                from {{ rows_cte }} as r
                cross join ({{ model_monitor._indexed_columns(numerical) }}) as n
                {{ model_monitor.subquery_fence() }}
              ) as v
              -- a column without a grid (no finite reference value) has no row: all NULL edges, one cell
              left join {{ edges_cte }}_block_ends as b on v.column_index = b.column_index
              {{ model_monitor.subquery_fence() }}
            ) as blocked
            -- a block past the last distinct edge has no row either: its NULL edges count as +inf
            left join {{ edges_cte }} as e on blocked.column_index = e.column_index and blocked.block_index = e.block_index
          ) as coded
          group by {% for key in keys %}coded.{{ key }}, {% endfor %}coded.column_index, coded.is_null, coded.is_finite, coded.cell_code
        ) as f
        cross join ({{ model_monitor.slice_list(monitor) }}) as s
        inner join ({{ model_monitor._indexed_columns(numerical) }}) as c on f.column_index = c.column_index
        group by {% for key in keys[:4] %}f.{{ key }}, {% endfor %}s.slice_key, {{ slice_value }}, c.column_name, f.is_null, f.is_finite, f.cell_code
      ) as c
    ) as m
  ) as h
  group by {% for key in out_keys %}h.{{ key }}, {% endfor %}h.cell_index
{% endmacro %}
