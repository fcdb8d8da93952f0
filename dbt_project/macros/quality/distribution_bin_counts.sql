{#-
  Value counts of one monitor's rows (`rows_cte`, monitor_rows) per window, model version, slice,
  column and bin of `bins_cte` (monitor_reference_bins): monitor_name, window_kind, window_start,
  window_end, model_version, slice_index, slice_key, slice_value, column_name, bin_index, bin_count.
  Bin 0 holds NULLs; a finite number lands in bin 1 + the number of its column's edges below it
  (bins are (lower, upper]); a category in its own bin or in `other`; NaN and infinities in none
  (bin_index NULL). Each value is binned once, through equi-joins on its column, and counted per
  combination of slice values; every slice then sums those few counts, so the long relation is
  rows x columns, not rows x slices x columns, and no value is range-joined to its bins.
-#}
{% macro distribution_bin_counts(monitor, rows_cte, bins_cte) %}
  {%- set lit = model_monitor.string_literal -%}
  {%- set bigint = dbt.type_bigint() -%}
  {%- set numerical = monitor.columns | selectattr('kind', 'equalto', 'numerical') | list -%}
  {%- set categorical = monitor.columns | selectattr('kind', 'equalto', 'categorical') | list -%}
  {%- set keys = ['window_kind', 'window_start', 'window_end', 'model_version'] -%}
  {%- for slice in monitor.slices %}{% do keys.append('s_' ~ loop.index) %}{% endfor -%}
  {%- set slice_value = model_monitor.slice_value(monitor, 'f') -%}
  select
    {{ lit(monitor.name) }} as monitor_name,
    {%- for key in keys[:4] %} f.{{ key }},{% endfor %}
    s.slice_index, s.slice_key, {{ slice_value }} as slice_value,
    c.column_name, f.bin_index, cast(sum(f.value_count) as {{ bigint }}) as bin_count
  from (
    select {% for key in keys %}binned.{{ key }}, {% endfor %}binned.column_index, binned.bin_index, count(*) as value_count
    from (
      {%- if numerical %}
      select {% for key in keys %}v.{{ key }}, {% endfor %}v.column_index,
        case
          when v.num_value is null then 0
          when {{ model_monitor.is_finite('v.num_value') }} then 1
            {%- for k in range(1, monitor.bins) %} + case when v.num_value > e.edge_{{ k }} then 1 else 0 end{% endfor %}
        end as bin_index
      from (
        select {% for key in keys %}r.{{ key }}, {% endfor %}n.column_index,
          case n.column_index{% for column in numerical %} when {{ column.index }} then r.v_{{ column.index }}{% endfor %} end as num_value
        from {{ rows_cte }} as r
        cross join ({{ model_monitor._indexed_columns(numerical) }}) as n
      ) as v
      -- edge_k: the upper bound of range bin k (NULL past the last edge)
      left join (
        select n.column_index
          {%- for k in range(1, monitor.bins) %},
          max(case when b.bin_index = {{ k }} then b.upper_bound end) as edge_{{ k }}
          {%- endfor %}
        from {{ bins_cte }} as b
        inner join ({{ model_monitor._indexed_columns(numerical) }}) as n on b.column_name = n.column_name
        where b.monitor_name = {{ lit(monitor.name) }} and b.bin_type = 'range'
        group by n.column_index
      ) as e on v.column_index = e.column_index
      {%- endif %}
      {%- if numerical and categorical %}
      union all
      {%- endif %}
      {%- if categorical %}
      select {% for key in keys %}v.{{ key }}, {% endfor %}v.column_index,
        case when v.cat_value is null then 0 else coalesce(category_bin.bin_index, other_bin.bin_index) end as bin_index
      from (
        select {% for key in keys %}r.{{ key }}, {% endfor %}n.column_index,
          case n.column_index{% for column in categorical %} when {{ column.index }} then r.v_{{ column.index }}{% endfor %} end as cat_value
        from {{ rows_cte }} as r
        cross join ({{ model_monitor._indexed_columns(categorical) }}) as n
      ) as v
      left join (
        select n.column_index, b.category, b.bin_index
        from {{ bins_cte }} as b
        inner join ({{ model_monitor._indexed_columns(categorical) }}) as n on b.column_name = n.column_name
        where b.monitor_name = {{ lit(monitor.name) }} and b.bin_type = 'category'
      ) as category_bin
        on v.column_index = category_bin.column_index and v.cat_value = category_bin.category
      left join (
        select n.column_index, b.bin_index
        from {{ bins_cte }} as b
        inner join ({{ model_monitor._indexed_columns(categorical) }}) as n on b.column_name = n.column_name
        where b.monitor_name = {{ lit(monitor.name) }} and b.bin_type = 'other'
      ) as other_bin
        on v.column_index = other_bin.column_index
      {%- endif %}
    ) as binned
    group by {% for key in keys %}binned.{{ key }}, {% endfor %}binned.column_index, binned.bin_index
  ) as f
  cross join ({{ model_monitor.slice_list(monitor) }}) as s
  inner join ({{ model_monitor._indexed_columns(monitor.columns) }}) as c on f.column_index = c.column_index
  group by {% for key in keys[:4] %}f.{{ key }}, {% endfor %}s.slice_index, s.slice_key, {{ slice_value }}, c.column_name, f.bin_index
{% endmacro %}

{#- Some of a monitor's columns as rows: column_index, column_name. -#}
{% macro _indexed_columns(columns) %}
  {%- for column in columns %}
  {% if not loop.first %}union all {% endif %}select {{ column.index }} as column_index, {{ model_monitor.string_literal(column.name) }} as column_name
  {%- endfor %}
{% endmacro %}
