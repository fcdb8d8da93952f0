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
  {%- set double = model_monitor.type_double() -%}
  {%- set bigint = dbt.type_bigint() -%}
  {%- set numerical = monitor.columns | selectattr('kind', 'equalto', 'numerical') | list -%}
  {%- set block = model_monitor.grid_block_size(monitor.grid_cells) | int -%}
  {%- set block_count = ((monitor.grid_cells - 1) // block) -%}
  {%- set keys = ['window_kind', 'window_start', 'window_end', 'model_version'] -%}
  {%- for slice in monitor.slices %}{% do keys.append('s_' ~ loop.index) %}{% endfor -%}
  {%- set slice_value -%}
    {% if monitor.slices %}case s.slice_index{% for slice in monitor.slices %} when {{ loop.index }} then f.s_{{ loop.index }}{% endfor %} end{% else %}cast(null as {{ dbt.type_string() }}){% endif %}
  {%- endset -%}
  select
    {{ lit(monitor.name) }} as monitor_name,
    {%- for key in keys[:4] %} f.{{ key }},{% endfor %}
    s.slice_key, {{ slice_value }} as slice_value, c.column_name, f.cell_index,
    cast(sum(f.value_count) as {{ bigint }}) as value_count,
    cast(sum(f.edge_count) as {{ bigint }}) as edge_count,
    min(f.interior_min) as interior_min,
    max(f.interior_max) as interior_max,
    sum(f.interior_sum) as interior_sum
  from (
    select {% for key in keys %}located.{{ key }}, {% endfor %}located.column_index, located.cell_index,
      count(*) as value_count,
      sum(case when located.cell_index > 0 and located.cell_code = 2 * located.cell_index then 1 else 0 end) as edge_count,
      min(case when located.cell_code > 0 and located.cell_code < 2 * located.cell_index then located.x end) as interior_min,
      max(case when located.cell_code > 0 and located.cell_code < 2 * located.cell_index then located.x end) as interior_max,
      sum(case when located.cell_code > 0 and located.cell_code < 2 * located.cell_index then located.x end) as interior_sum
    from (
      -- cell k from its code 2k (at the edge) or 2k - 1 (inside): floor of a small exact half
      select coded.*,
        case when coded.cell_code <= 0 then coded.cell_code else cast(floor((coded.cell_code + 1) / 2.0) as {{ dbt.type_int() }}) end as cell_index
      from (
        -- cell 0 holds NULLs, cell -1 NaN and infinities; a finite value's code of cell
        -- k = block * block_size + r is 2 * block * block_size + the code of r in its block
        select {% for key in keys %}blocked.{{ key }}, {% endfor %}blocked.column_index, blocked.x,
          case
            when blocked.x is null then 0
            when {{ model_monitor.is_finite('blocked.x') }} then 2 * blocked.block_index * {{ block }} + {{ model_monitor.value_cell_code('blocked.x', 'e.edge_', block) }}
            else -1
          end as cell_code
        from (
          select {% for key in keys %}v.{{ key }}, {% endfor %}v.column_index, v.x,
            {{ model_monitor.value_cell_code('v.x', 'b.block_end_', block_count, coded=false) }} - 1 as block_index
          from (
            select {% for key in keys %}r.{{ key }}, {% endfor %}n.column_index,
              case n.column_index{% for column in numerical %} when {{ column.index }} then r.v_{{ column.index }}{% endfor %} end as x
            from {{ rows_cte }} as r
            cross join ({{ model_monitor._indexed_columns(numerical) }}) as n
          ) as v
          -- a column without a grid (no finite reference value) has no row: all NULL edges, one cell
          left join {{ edges_cte }}_block_ends as b on v.column_index = b.column_index
        ) as blocked
        -- a block past the last distinct edge has no row either: its NULL edges count as +inf
        left join {{ edges_cte }} as e on blocked.column_index = e.column_index and blocked.block_index = e.block_index
      ) as coded
    ) as located
    group by {% for key in keys %}located.{{ key }}, {% endfor %}located.column_index, located.cell_index
  ) as f
  cross join ({{ model_monitor.slice_list(monitor) }}) as s
  inner join ({{ model_monitor._indexed_columns(numerical) }}) as c on f.column_index = c.column_index
  group by {% for key in keys[:4] %}f.{{ key }}, {% endfor %}s.slice_key, {{ slice_value }}, c.column_name, f.cell_index
{% endmacro %}

{#-
  The grid of `monitor` in the two shapes value_cell_counts searches: per numerical column and
  block of grid_block_size edges, the block's edges (`edges`: column_index, block_index,
  edge_1..edge_B), and per column the edge that ends each full block (`block_ends`:
  column_index, block_end_1..block_end_J). Edge k is the upper edge of grid cell k.
-#}
{% macro value_grid_edges(monitor, grid_relation, shape) %}
  {%- set numerical = monitor.columns | selectattr('kind', 'equalto', 'numerical') | list -%}
  {%- set block = model_monitor.grid_block_size(monitor.grid_cells) | int -%}
  {%- set block_count = ((monitor.grid_cells - 1) // block) -%}
  {%- if shape == 'block_ends' %}
  select n.column_index
    {%- for j in range(1, block_count + 1) %},
    max(case when g.cell_index = {{ j * block }} then g.upper_edge end) as block_end_{{ j }}
    {%- endfor %}
  {%- else %}
  select n.column_index, g.block_index
    {%- for r in range(1, block + 1) %},
    max(case when g.cell_index = g.block_index * {{ block }} + {{ r }} then g.upper_edge end) as edge_{{ r }}
    {%- endfor %}
  {%- endif %}
  from (
    select column_name, cell_index, upper_edge,
      cast(floor((cell_index - 1) / {{ block }}.0) as {{ dbt.type_int() }}) as block_index
    from {{ grid_relation }}
    where monitor_name = {{ model_monitor.string_literal(monitor.name) }} and upper_edge is not null
  ) as g
  inner join ({{ model_monitor._indexed_columns(numerical) }}) as n on g.column_name = n.column_name
  group by n.column_index{% if shape != 'block_ends' %}, g.block_index{% endif %}
{% endmacro %}
