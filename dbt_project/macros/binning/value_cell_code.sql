{#-
  The cell of a finite `value` on a grid of ascending edges e_1..e_E held in the columns
  `<edge_prefix>1` .. `<edge_prefix><E>` (NULL past the last distinct edge: such an edge counts
  as +inf), coded so that ties at an edge stay apart from the cell's interior: 2k when
  value = e_k, 2k - 1 when e_{k-1} < value < e_k (cell k = (e_{k-1}, e_k], k = 1..E+1).
  A balanced binary search written as nested CASEs: about log2(E) comparisons per value and no
  join to the cells, so locating a value costs the same on every engine (no range join, no sort).
-#}
{% macro value_cell_code(value, edge_prefix, edge_count) -%}
  {{ model_monitor._cell_search(value, edge_prefix, 1, edge_count + 1, edge_count) }}
{%- endmacro %}

{#- The smallest k in [lo, hi] with value <= e_k (k = E + 1 when there is none), coded as above. -#}
{% macro _cell_search(value, edge_prefix, lo, hi, edge_count) -%}
  {%- if lo == hi -%}
    {%- if lo > edge_count -%}{{ 2 * lo - 1 }}{%- else -%}case when {{ value }} = {{ edge_prefix }}{{ lo }} then {{ 2 * lo }} else {{ 2 * lo - 1 }} end{%- endif -%}
  {%- else -%}
    {%- set mid = (lo + hi) // 2 -%}
    case when {{ edge_prefix }}{{ mid }} is null or {{ value }} <= {{ edge_prefix }}{{ mid }} then {{ model_monitor._cell_search(value, edge_prefix, lo, mid, edge_count) }} else {{ model_monitor._cell_search(value, edge_prefix, mid + 1, hi, edge_count) }} end
  {%- endif -%}
{%- endmacro %}
