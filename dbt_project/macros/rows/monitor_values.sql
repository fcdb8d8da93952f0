{#-
  Unpivots monitor_rows (the CTE named `rows_cte`) into one row per row, slice and monitored
  column, in one pass over the rows: a cross join with the slice list and the column list.
  Output: monitor_name, row_id, window_kind, window_start, window_end, model_version, slice_index, slice_key, slice_value,
  slice_id (non-null join key), column_index, column_name, column_role, column_kind,
  num_value (double, numerical columns), cat_value (string, categorical columns), and the
  `extra_columns` of rows_cte (names) after model_version.
-#}
{% macro monitor_values(monitor, rows_cte, extra_columns=[]) %}
  {%- set lit = model_monitor.string_literal -%}
  {%- set numerical = monitor.columns | selectattr('kind', 'equalto', 'numerical') | list -%}
  {%- set categorical = monitor.columns | selectattr('kind', 'equalto', 'categorical') | list -%}
  select
    r.monitor_name,
    r.row_id,
    r.window_kind,
    r.window_start,
    r.window_end,
    r.model_version,
    {%- for name in extra_columns %}
    r.{{ name }},
    {%- endfor %}
    slice_list.slice_index,
    slice_list.slice_key,
    {% if monitor.slices %}case slice_list.slice_index{% for slice in monitor.slices %} when {{ loop.index }} then r.s_{{ loop.index }}{% endfor %} end{% else %}cast(null as {{ dbt.type_string() }}){% endif %} as slice_value,
    column_list.column_index,
    column_list.column_name,
    column_list.column_role,
    column_list.column_kind,
    {% if numerical %}case column_list.column_index{% for column in numerical %} when {{ column.index }} then r.v_{{ column.index }}{% endfor %} end{% else %}cast(null as {{ model_monitor.type_double() }}){% endif %} as num_value,
    {% if categorical %}case column_list.column_index{% for column in categorical %} when {{ column.index }} then r.v_{{ column.index }}{% endfor %} end{% else %}cast(null as {{ dbt.type_string() }}){% endif %} as cat_value
  from {{ rows_cte }} as r
  cross join ({{ model_monitor.slice_list(monitor) }}) as slice_list
  cross join ({{ model_monitor.column_list(monitor) }}) as column_list
{% endmacro %}

{#- slice_index 0 is the whole population; j is the j-th configured slice column. -#}
{% macro slice_list(monitor) %}
  select 0 as slice_index, cast(null as {{ dbt.type_string() }}) as slice_key
  {%- for slice in monitor.slices %}
  union all select {{ loop.index }}, {{ model_monitor.string_literal(slice) }}
  {%- endfor %}
{% endmacro %}

{#- The monitored columns as rows: column_index, column_name, column_role, column_kind. -#}
{% macro column_list(monitor, kind=none) %}
  {%- set lit = model_monitor.string_literal -%}
  {%- set columns = monitor.columns if kind is none else monitor.columns | selectattr('kind', 'equalto', kind) | list -%}
  {%- for column in columns %}
  {% if not loop.first %}union all {% endif %}select {{ column.index }} as column_index, {{ lit(column.name) }} as column_name, {{ lit(column.role) }} as column_role, {{ lit(column.kind) }} as column_kind
  {%- endfor %}
{% endmacro %}

{#-
  A non-null, unambiguous key for (slice_key, slice_value), NULLs included, for joins and
  partitions: '<length(key)>:<key>=<value>', '<length>:<key>~' for a NULL value, ':~' for the whole population.
-#}
{% macro slice_id(slice_key, slice_value) -%}
  {{ dbt.concat(["coalesce(cast(" ~ dbt.length(slice_key) ~ " as " ~ dbt.type_string() ~ "), '')", "':'", "coalesce(" ~ slice_key ~ ", '')",
                 "case when " ~ slice_value ~ " is null then '~' else " ~ dbt.concat(["'='", slice_value]) ~ " end"]) }}
{%- endmacro %}
