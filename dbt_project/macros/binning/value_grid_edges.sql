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
