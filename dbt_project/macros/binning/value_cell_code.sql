{#-
  Binary search over ascending edges held in the columns `<edge_prefix>1` .. `<edge_prefix><n>`
  (NULL past the last distinct edge: such an edge counts as +inf), written as nested CASEs:
  about log2(n) comparisons per value and no join, no sort. Returns the smallest k in 1..n+1 with
  value <= e_k (n + 1 when there is none); with `coded`, 2k when value = e_k and 2k - 1 when it
  lies strictly below e_k, so the ties at an edge stay apart from the cell's interior.
-#}
{% macro value_cell_code(value, edge_prefix, edge_count, coded=true) -%}
  {{ model_monitor._cell_search(value, edge_prefix, 1, edge_count + 1, edge_count, coded) }}
{%- endmacro %}

{% macro _cell_search(value, edge_prefix, lo, hi, edge_count, coded) -%}
  {%- if lo == hi and not coded -%}
    {{ lo }}
  {%- elif lo == hi -%}
    {%- if lo > edge_count -%}{{ 2 * lo - 1 }}{%- else -%}case when {{ value }} = {{ edge_prefix }}{{ lo }} then {{ 2 * lo }} else {{ 2 * lo - 1 }} end{%- endif -%}
  {%- else -%}
    {%- set mid = (lo + hi) // 2 -%}
    case when {{ edge_prefix }}{{ mid }} is null or {{ value }} <= {{ edge_prefix }}{{ mid }} then {{ model_monitor._cell_search(value, edge_prefix, lo, mid, edge_count, coded) }} else {{ model_monitor._cell_search(value, edge_prefix, mid + 1, hi, edge_count, coded) }} end
  {%- endif -%}
{%- endmacro %}
