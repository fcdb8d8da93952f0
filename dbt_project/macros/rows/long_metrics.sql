{#-
  One table's scalar columns as long rows (source_table, the window group, column_name,
  metric_source, class_label, metric_name, metric_value), in one pass (a cross join with the
  metric list). A table already long (monitor_performance, monitor_fairness) passes
  `metrics=none` and its own `name_sql`/`value_sql`. `where` filters the table's rows; NULL values
  are kept (undefined, not absent).
-#}
{% macro long_metrics(table, metrics=none, column_sql='column_name', source_sql='null', class_sql='null',
                      slice_value_sql='slice_value', where='1 = 1', name_sql='metric_name', value_sql='metric_value') %}
  {%- set lit = model_monitor.string_literal -%}
  {%- set text = dbt.type_string() %}
  select
    {{ lit(table) }} as source_table,
    t.monitor_name,
    t.window_kind,
    t.window_start,
    t.window_end,
    t.model_version,
    t.slice_key,
    cast({{ slice_value_sql }} as {{ text }}) as slice_value,
    cast({{ column_sql }} as {{ text }}) as column_name,
    cast({{ source_sql }} as {{ text }}) as metric_source,
    cast({{ class_sql }} as {{ text }}) as class_label,
  {%- if metrics is none %}
    cast(t.{{ name_sql }} as {{ text }}) as metric_name,
    cast(t.{{ value_sql }} as {{ model_monitor.type_double() }}) as metric_value
  from {{ ref(table) }} as t
  {%- else %}
    metric_list.metric_name,
    cast(case metric_list.metric_name
      {%- for metric in metrics %}
      when {{ lit(metric) }} then t.{{ metric }}
      {%- endfor %}
    end as {{ model_monitor.type_double() }}) as metric_value
  from {{ ref(table) }} as t
  cross join (
    {%- for metric in metrics %}
    {% if not loop.first %}union all {% endif %}select {{ lit(metric) }} as metric_name
    {%- endfor %}
  ) as metric_list
  {%- endif %}
  where {{ where }}
{% endmacro %}
