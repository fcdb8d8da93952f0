{#-
  Values are located on a grid of grid_cells - 1 edges in two short searches: first among the
  edges that end each block of `grid_block_size` edges, then among the edges of that block.
  sqrt-sized blocks keep both searches (and the SQL) small; one search over 999 edges makes a
  CASE so large that planning it takes DuckDB tens of seconds.
-#}
{% macro grid_block_size(grid_cells) -%}
  {{ return((grid_cells ** 0.5) | round(0, 'ceil') | int) }}
{%- endmacro %}
