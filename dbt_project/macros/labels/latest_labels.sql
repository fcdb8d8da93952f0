{#-
  One label per prediction id of a monitor: the latest to arrive (then the largest value), so a
  duplicate never doubles a row. Columns as mm_latest_labels. With `since` (a timestamp text),
  only ids holding a label at or after it, or one without a timestamp, are ranked (all their labels).
-#}
{% macro latest_labels(monitor, since=none) %}
  {%- set q = model_monitor.quote_name -%}
  {%- set labels = monitor.labels -%}
  {%- set label_id = 'cast(l.' ~ q(labels.id_column) ~ ' as ' ~ dbt.type_string() ~ ')' -%}
  {%- set arrived_at = 'l.' ~ q(labels.timestamp_column) if labels.timestamp_column is not none else 'cast(null as ' ~ dbt.type_timestamp() ~ ')' -%}
  {%- set numerical = (monitor.columns | selectattr('role', 'equalto', 'label') | first).kind == 'numerical' -%}
  select
    {{ model_monitor.string_literal(monitor.name) }} as monitor_name,
    label_id, label_text, label_number, label_arrived_at,
    {{ model_monitor.string_literal(model_monitor.labels_version(monitor)) }} as labels_version
  from (
    select
      {{ label_id }} as label_id,
      {%- if numerical %}
      cast(null as {{ dbt.type_string() }}) as label_text,
      cast(l.{{ q(labels.label_column) }} as {{ model_monitor.type_double() }}) as label_number,
      {%- else %}
      cast(l.{{ q(labels.label_column) }} as {{ dbt.type_string() }}) as label_text,
      cast(null as {{ model_monitor.type_double() }}) as label_number,
      {%- endif %}
      {{ arrived_at }} as label_arrived_at,
      row_number() over (
        partition by {{ label_id }}
        order by
          {%- if labels.timestamp_column is not none %} {{ arrived_at }} desc nulls last,{% endif %}
          l.{{ q(labels.label_column) }} desc nulls last
      ) as arrival_rank
    from {{ labels.relation }} as l
    where l.{{ q(labels.id_column) }} is not null
    {%- if since is not none %}
      and {{ label_id }} in (
        select cast(n.{{ q(labels.id_column) }} as {{ dbt.type_string() }})
        from {{ labels.relation }} as n
        where n.{{ q(labels.timestamp_column) }} >= {{ model_monitor.timestamp_literal(since) }}
          or n.{{ q(labels.timestamp_column) }} is null
      )
    {%- endif %}
  ) as ranked_labels
  where arrival_rank = 1
{% endmacro %}
