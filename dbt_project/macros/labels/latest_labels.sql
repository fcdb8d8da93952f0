{#-
  One label per prediction id of a monitor: the latest to arrive (NULL timestamps last), then the
  largest value (NULL last), so a duplicate never doubles a row. Columns as mm_latest_labels.
  `changed_only`: rank only the ids holding a label that is new to the stored rows ({{ this }})
  or could beat the stored one (a later timestamp, or the same timestamp with another value).
-#}
{% macro latest_labels(monitor, changed_only=false) %}
  {%- set q = model_monitor.quote_name -%}
  {%- set labels = monitor.labels -%}
  {%- set text = dbt.type_string() -%}
  {%- set numerical = (monitor.columns | selectattr('role', 'equalto', 'label') | first).kind == 'numerical' -%}
  {%- set value_column = 'label_number' if numerical else 'label_text' -%}
  {%- set value_type = model_monitor.type_double() if numerical else text -%}
  {%- set arrived_at = 'l.' ~ q(labels.timestamp_column) if labels.timestamp_column is not none else 'cast(null as ' ~ dbt.type_timestamp() ~ ')' -%}
  select
    {{ model_monitor.string_literal(monitor.name) }} as monitor_name,
    label_id, label_text, label_number, label_arrived_at,
    {{ model_monitor.string_literal(model_monitor.labels_version(monitor)) }} as labels_version
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
    {%- if changed_only %}
      and cast(l.{{ q(labels.id_column) }} as {{ text }}) in ({{ model_monitor._changed_label_ids(monitor) }})
    {%- endif %}
  ) as ranked_labels
  where arrival_rank = 1
{% endmacro %}

{#- Ids with a label not stored yet or able to beat the stored one: only their rank can change. -#}
{% macro _changed_label_ids(monitor) %}
  {%- set q = model_monitor.quote_name -%}
  {%- set labels = monitor.labels -%}
  {%- set numerical = (monitor.columns | selectattr('role', 'equalto', 'label') | first).kind == 'numerical' -%}
  {%- set value = 'cast(n.' ~ q(labels.label_column) ~ ' as ' ~ (model_monitor.type_double() if numerical else dbt.type_string()) ~ ')' -%}
  {%- set stored_value = 's.label_number' if numerical else 's.label_text' -%}
  {%- set other_value = 'case when ' ~ value ~ ' = ' ~ stored_value ~ ' or (' ~ value ~ ' is null and ' ~ stored_value ~ ' is null) then 0 else 1 end = 1' -%}
  select cast(n.{{ q(labels.id_column) }} as {{ dbt.type_string() }})
  from {{ labels.relation }} as n
  left join (
    select label_id, label_text, label_number, label_arrived_at
    from {{ this }}
    where monitor_name = {{ model_monitor.string_literal(monitor.name) }}
  ) as s
    on cast(n.{{ q(labels.id_column) }} as {{ dbt.type_string() }}) = s.label_id
  where n.{{ q(labels.id_column) }} is not null
    and (s.label_id is null
    {%- if labels.timestamp_column is not none %}
      {%- set ts = 'n.' ~ q(labels.timestamp_column) %}
      or {{ ts }} > s.label_arrived_at
      or ({{ ts }} is not null and s.label_arrived_at is null)
      or (({{ ts }} = s.label_arrived_at or ({{ ts }} is null and s.label_arrived_at is null)) and {{ other_value }})
    {%- else %}
      or {{ other_value }}
    {%- endif %})
{% endmacro %}
