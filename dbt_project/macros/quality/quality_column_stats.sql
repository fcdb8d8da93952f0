{#-
  Data quality of some of a monitor's columns (`columns`, a list of monitor.columns) per window,
  model version and slice: one row per group and column with monitor_name, window_start,
  window_end, model_version, slice_key, slice_value, column_name, column_role, column_kind,
  row_count, null_count, nan_count, distinct_count (exact, or a sketch's estimate when the monitor's
  distinct_count_method is approximate), min_value, max_value, mean_value,
  stddev_value, out_of_range_count, unseen_category_count.
  The wide rows of `rows_cte` (monitor_rows) are aggregated with one expression per column and
  statistic, and only that small result is unpivoted: the hash tables hold (window x slice)
  groups instead of one row per row, slice and column, keyed on the few columns that vary (names,
  window ends and slice keys are added to the result). `ranges_cte` holds monitor_name,
  column_name, reference_min, reference_max; `categories` (mm_reference_categories) the
  reference's categories.
-#}
{% macro quality_column_stats(monitor, columns, rows_cte, ranges_cte, categories) %}
  {%- set lit = model_monitor.string_literal -%}
  {%- set numerical = columns | selectattr('kind', 'equalto', 'numerical') | list -%}
  {%- set categorical = columns | selectattr('kind', 'equalto', 'categorical') | list -%}
  {%- set numerical_stats = ['value_count', 'nan_count', 'distinct_count', 'min_value', 'max_value', 'mean_value',
                             'stddev_value', 'out_of_range_count'] -%}
  {%- set categorical_stats = ['value_count', 'distinct_count', 'unseen_category_count'] -%}
  select
    {{ lit(monitor.name) }} as monitor_name, a.window_start, {{ dbt.dateadd(monitor.grain, 1, 'a.window_start') }} as window_end,
    a.model_version, s.slice_key, a.slice_value, c.column_name, c.column_role, c.column_kind,
    a.row_count,
    {%- for stat in numerical_stats + ['unseen_category_count'] %}
    {%- set stat_columns = numerical if stat in numerical_stats else [] -%}
    {%- set stat_columns = stat_columns + (categorical if stat in categorical_stats else []) %}
    {% if stat == 'value_count' %}a.row_count - {% endif -%}
    {%- if stat_columns -%}
    case c.column_index{% for column in stat_columns %} when {{ column.index }} then a.{{ stat }}_{{ column.index }}{% endfor %} end
    {%- else -%}
    cast(null as {{ model_monitor.type_double() if stat.endswith('_value') else dbt.type_bigint() }})
    {%- endif %} as {{ 'null_count' if stat == 'value_count' else stat }}{% if not loop.last %},{% endif %}
    {%- endfor %}
  from (
    select
      r.window_start, r.model_version, r.slice_index, r.slice_value,
      count(*) as row_count
      {%- for column in numerical %}
      {%- set v = 'r.v_' ~ column.index %}
      {%- set finite_value = '(case when ' ~ model_monitor.is_finite(v) ~ ' then ' ~ v ~ ' end)' %},
      count({{ v }}) as value_count_{{ column.index }},
      sum(case when {{ v }} is not null and not {{ model_monitor.is_finite(v) }} then 1 else 0 end) as nan_count_{{ column.index }},
      {{ model_monitor.count_distinct(finite_value, monitor.distinct_count_method) }} as distinct_count_{{ column.index }},
      min({{ finite_value }}) as min_value_{{ column.index }},
      max({{ finite_value }}) as max_value_{{ column.index }},
      avg({{ finite_value }}) as mean_value_{{ column.index }},
      stddev_samp({{ finite_value }}) as stddev_value_{{ column.index }},
      sum(case when {{ model_monitor.is_finite(v) }} and ({{ v }} < ranges.reference_min_{{ column.index }} or {{ v }} > ranges.reference_max_{{ column.index }}) then 1 else 0 end) as out_of_range_count_{{ column.index }}
      {%- endfor %}
      {%- for column in categorical %}
      {%- set v = 'r.v_' ~ column.index %},
      count({{ v }}) as value_count_{{ column.index }},
      {{ model_monitor.count_distinct(v, monitor.distinct_count_method) }} as distinct_count_{{ column.index }},
      sum(case when {{ v }} is not null and known_{{ column.index }}.category is null then 1 else 0 end) as unseen_category_count_{{ column.index }}
      {%- endfor %}
    from (
      select wide.*, s.slice_index,
        {{ model_monitor.slice_value(monitor, 'wide') }} as slice_value
      from {{ rows_cte }} as wide
      cross join ({{ model_monitor.slice_list(monitor) }}) as s
    ) as r
    {%- if numerical %}
    cross join (
      select
        {%- for column in numerical %}
        max(case when column_name = {{ lit(column.name) }} then reference_min end) as reference_min_{{ column.index }},
        max(case when column_name = {{ lit(column.name) }} then reference_max end) as reference_max_{{ column.index }}{% if not loop.last %},{% endif %}
        {%- endfor %}
      from {{ ranges_cte }}
      where monitor_name = {{ lit(monitor.name) }}
    ) as ranges
    {%- endif %}
    {%- for column in categorical %}
    left join {{ categories }} as known_{{ column.index }}
      on known_{{ column.index }}.monitor_name = {{ lit(monitor.name) }}
      and known_{{ column.index }}.column_name = {{ lit(column.name) }}
      and r.v_{{ column.index }} = known_{{ column.index }}.category
    {%- endfor %}
    group by r.window_start, r.model_version, r.slice_index, r.slice_value
  ) as a
  inner join ({{ model_monitor.slice_list(monitor) }}) as s on a.slice_index = s.slice_index
  cross join (
    {%- for column in columns %}
    {% if not loop.first %}union all {% endif %}select {{ column.index }} as column_index, {{ lit(column.name) }} as column_name, {{ lit(column.role) }} as column_role, {{ lit(column.kind) }} as column_kind
    {%- endfor %}
  ) as c
{% endmacro %}
