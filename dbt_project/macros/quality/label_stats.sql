{#-
  The labels of a monitor aggregated per prediction id, so a prediction joins them once:
  label_id (text), label_count, first_label_at (earliest label timestamp; NULL without
  labels.timestamp_column). A label is a row with a non-null id and a non-null label value.
-#}
{% macro label_stats(labels) %}
  {%- set q = model_monitor.quote_name -%}
  select
    cast(l.{{ q(labels.id_column) }} as {{ dbt.type_string() }}) as label_id,
    count(*) as label_count,
    {%- if labels.timestamp_column is not none %}
    min(l.{{ q(labels.timestamp_column) }}) as first_label_at
    {%- else %}
    cast(null as {{ dbt.type_timestamp() }}) as first_label_at
    {%- endif %}
  from {{ labels.relation }} as l
  where l.{{ q(labels.id_column) }} is not null
    and l.{{ q(labels.label_column) }} is not null
  group by cast(l.{{ q(labels.id_column) }} as {{ dbt.type_string() }})
{% endmacro %}
