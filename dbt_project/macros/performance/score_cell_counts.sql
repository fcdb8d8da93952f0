{#-
  The score-cell state of one binary monitor: per window, model version, slice and cell of the
  score column's grid (monitor_value_grid, searched as value_cell_counts does), the predictions
  and the labeled positives and negatives, split into those exactly on the cell's upper edge and
  those strictly inside it. Cell 0 holds the rows whose score is NULL, NaN or infinite (no edge).
  `rows_cte` has monitor_rows' shape plus label_class ('1', '0' or NULL), prediction_weight and
  label_weight (1 for a counted row; a late-label delta has prediction_weight 0 and label_weight
  +1 or -1). Every count adds up, so a window's state plus a delta is the window's new state.
  `edges_cte` as value_cell_counts; `score_index` is the score column's index.
-#}
{% macro score_cell_counts(monitor, rows_cte, edges_cte, score_index) %}
  {%- set lit = model_monitor.string_literal -%}
  {%- set bigint = dbt.type_bigint() -%}
  {%- set block = model_monitor.grid_block_size(monitor.grid_cells) | int -%}
  {%- set block_count = ((monitor.grid_cells - 1) // block) -%}
  {%- set keys = ['window_kind', 'window_start', 'window_end', 'model_version'] -%}
  {%- for slice in monitor.slices %}{% do keys.append('s_' ~ loop.index) %}{% endfor -%}
  {%- set slice_value = model_monitor.slice_value(monitor, 'f') -%}
  {%- set counted = {
      'positive_edge_count': "located.label_class = '1' and located.cell_code = 2 * located.cell_index",
      'negative_edge_count': "located.label_class = '0' and located.cell_code = 2 * located.cell_index",
      'positive_interior_count': "located.label_class = '1' and located.cell_code < 2 * located.cell_index",
      'negative_interior_count': "located.label_class = '0' and located.cell_code < 2 * located.cell_index"} -%}
  select
    {{ lit(monitor.name) }} as monitor_name,
    {%- for key in keys[:4] %} f.{{ key }},{% endfor %}
    s.slice_key, {{ slice_value }} as slice_value, f.cell_index,
    cast(sum(f.prediction_count) as {{ bigint }}) as prediction_count
    {%- for name in counted %},
    cast(sum(f.{{ name }}) as {{ bigint }}) as {{ name }}
    {%- endfor %}
  from (
    select {% for key in keys %}located.{{ key }}, {% endfor %}located.cell_index,
      sum(located.prediction_weight) as prediction_count
      {%- for name, condition in counted.items() %},
      sum(case when {{ condition }} then located.label_weight else 0 end) as {{ name }}
      {%- endfor %}
    from (
      -- cell k from its code 2k (at the edge) or 2k - 1 (inside); floor of a small exact half.
      -- A score that is not finite has code -1: cell 0, inside (it has no edge)
      select coded.*, cast(floor((coded.cell_code + 1) / 2.0) as {{ dbt.type_int() }}) as cell_index
      from (
        select {% for key in keys %}blocked.{{ key }}, {% endfor %}blocked.label_class, blocked.prediction_weight, blocked.label_weight,
          case when blocked.block_index is null then -1
            else 2 * blocked.block_index * {{ block }} + {{ model_monitor.value_cell_code('blocked.x', 'e.edge_', block) }} end as cell_code
        from (
          -- a score column without a grid (no finite reference score) has no block_ends row:
          -- its NULL block ends count as +inf and every finite score lands in cell 1
          select {% for key in keys %}r.{{ key }}, {% endfor %}r.label_class, r.prediction_weight, r.label_weight, r.v_{{ score_index }} as x,
            case when {{ model_monitor.is_finite('r.v_' ~ score_index) }} then
              {{ model_monitor.value_cell_code('r.v_' ~ score_index, 'b.block_end_', block_count, coded=false) }} - 1 end as block_index
          from {{ rows_cte }} as r
          left join {{ edges_cte }}_block_ends as b on b.column_index = {{ score_index }}
        ) as blocked
        left join {{ edges_cte }} as e on e.column_index = {{ score_index }} and blocked.block_index = e.block_index
      ) as coded
    ) as located
    group by {% for key in keys %}located.{{ key }}, {% endfor %}located.cell_index
  ) as f
  cross join ({{ model_monitor.slice_list(monitor) }}) as s
  group by {% for key in keys[:4] %}f.{{ key }}, {% endfor %}s.slice_key, {{ slice_value }}, f.cell_index
{% endmacro %}
