{#-
  One label per prediction id of a monitor: the latest to arrive (NULL timestamps last), then the
  largest value (NULL last), so a duplicate never doubles a row. Columns as mm_latest_labels.
-#}
{% macro latest_labels(monitor) %}
  {%- set q = model_monitor.quote_name -%}
  {%- set labels = monitor.labels -%}
  {%- set text = dbt.type_string() -%}
  {%- set numerical = (monitor.columns | selectattr('role', 'equalto', 'label') | first).kind == 'numerical' -%}
  {%- set value_type = model_monitor.type_double() if numerical else text -%}
  {%- set arrived_at = 'l.' ~ q(labels.timestamp_column) if labels.timestamp_column is not none else 'cast(null as ' ~ dbt.type_timestamp() ~ ')' -%}
  select
    {{ model_monitor.string_literal(monitor.name) }} as monitor_name,
    label_id, label_text, label_number, label_arrived_at
  from (
    select
      cast(l.{{ q(labels.id_column) }} as {{ text }}) as label_id,
      {%- if numerical %}
      cast(null as {{ text }}) as label_text,
      cast(l.{{ q(labels.label_column) }} as {{ value_type }}) as label_number,
      {%- else %}
      cast(l.{{ q(labels.label_column) }} as {{ text }}) as label_text,
      cast(null as {{ model_monitor.type_double() }}) as label_number,
      {%- endif %}
      {{ arrived_at }} as label_arrived_at,
      row_number() over (
        partition by cast(l.{{ q(labels.id_column) }} as {{ text }})
        order by
          {%- if labels.timestamp_column is not none %} {{ arrived_at }} desc nulls last,{% endif %}
          l.{{ q(labels.label_column) }} desc nulls last
      ) as arrival_rank
    from {{ labels.relation }} as l
    where l.{{ q(labels.id_column) }} is not null
  ) as ranked_labels
  where arrival_rank = 1
{% endmacro %}
