{#-
  Unpivots a CTE with one row per window group into the long metric shape, in one pass (a cross
  join with the metric list). `metrics` is a list of (metric_name, value_sql) or (metric_name,
  value_sql, bound_sql); a NULL value gets the reason `reason_sql` (an expression of the CTE's
  columns) or, by default, from `labeled_count`.
  Output: the group columns, metric_source, metric_name, class_label, metric_value, labeled_count,
  undefined_reason, error_bound (bound_sql, or 0: a value computed exactly).
-#}
{% macro metric_rows(source_cte, metrics, metric_source, reason_sql, class_label_sql='cast(null as ' ~ dbt.type_string() ~ ')') %}
  {%- set lit = model_monitor.string_literal %}
  select
    {{ model_monitor.metric_group_columns('s') }},
    {{ lit(metric_source) }} as metric_source,
    metric_list.metric_name,
    {{ class_label_sql }} as class_label,
    cast(case metric_list.metric_name
      {%- for metric in metrics %}
      when {{ lit(metric[0]) }} then {{ metric[1] }}
      {%- endfor %}
    end as {{ model_monitor.type_double() }}) as metric_value,
    cast(s.labeled_count as {{ dbt.type_bigint() }}) as labeled_count,
    {{ reason_sql }} as undefined_reason,
    {%- if metrics | map('length') | max > 2 %}
    cast(case metric_list.metric_name
      {%- for metric in metrics %}
      when {{ lit(metric[0]) }} then {{ metric[2] if metric | length > 2 else '0' }}
      {%- endfor %}
    end as {{ model_monitor.type_double() }}) as error_bound
    {%- else %}
    cast(0 as {{ model_monitor.type_double() }}) as error_bound
    {%- endif %}
  from {{ source_cte }} as s
  cross join (
    {%- for metric in metrics %}
    {% if not loop.first %}union all {% endif %}select {{ lit(metric[0]) }} as metric_name
    {%- endfor %}
  ) as metric_list
{% endmacro %}

{#- The columns that identify a window group in every outcome table. -#}
{% macro metric_group_columns(alias=none) -%}
  {%- set prefix = alias ~ '.' if alias else '' -%}
  {{ prefix }}monitor_name, {{ prefix }}window_kind, {{ prefix }}window_start, {{ prefix }}window_end,
    {{ prefix }}model_version, {{ prefix }}slice_key, {{ prefix }}slice_value
{%- endmacro %}

{#- Null-safe join of two window groups. -#}
{% macro same_metric_group(left, right) -%}
  {{ left }}.monitor_name = {{ right }}.monitor_name
  and {{ left }}.window_kind = {{ right }}.window_kind
  and {{ model_monitor.same_window_start(left ~ '.window_start', right ~ '.window_start') }}
  and {{ model_monitor.same_value(left ~ '.model_version', right ~ '.model_version') }}
  and {{ model_monitor.same_value(left ~ '.slice_key', right ~ '.slice_key') }}
  and {{ model_monitor.same_value(left ~ '.slice_value', right ~ '.slice_value') }}
{%- endmacro %}
