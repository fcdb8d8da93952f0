{#-
  A plain table, rebuilt every run: whether a label is an orphan depends on every prediction,
  old ones included, so an incremental run would have to rescan both tables anyway.
-#}
{{ config(materialized='table') }}
{#-
  Labels whose id matches no prediction, per monitor with labels and label arrival day: a broken
  join key or labels for predictions that were never logged. A label is a row of
  labels.relation with a non-null id and label value; a prediction is any row of the
  predictions with a non-null id.
-#}
{%- set monitors = model_monitor.get_monitors() | rejectattr('labels', 'none') | list -%}
{%- set q = model_monitor.quote_name -%}
{%- set text = dbt.type_string() -%}
{%- set timestamp = dbt.type_timestamp() %}
{%- if not monitors %}
{{ model_monitor.empty_relation([('monitor_name', text), ('label_arrival_day', timestamp),
    ('label_count', dbt.type_bigint()), ('orphan_label_count', dbt.type_bigint())]) }}
{%- else %}
with
{% for monitor in monitors %}
{%- set labels = monitor.labels %}
prediction_ids_{{ loop.index }} as {{ model_monitor.materialized_cte() }} (
  select distinct cast(p.{{ q(monitor.id_column) }} as {{ text }}) as prediction_id
  from {{ monitor.predictions }} as p
  where p.{{ q(monitor.id_column) }} is not null
),
label_rows_{{ loop.index }} as (
  select
    cast(l.{{ q(labels.id_column) }} as {{ text }}) as label_id,
    {%- if labels.timestamp_column is not none %}
    cast({{ dbt.date_trunc('day', 'l.' ~ q(labels.timestamp_column)) }} as {{ timestamp }}) as label_arrival_day
    {%- else %}
    cast(null as {{ timestamp }}) as label_arrival_day
    {%- endif %}
  from {{ labels.relation }} as l
  where l.{{ q(labels.id_column) }} is not null
    and l.{{ q(labels.label_column) }} is not null
),
orphans_{{ loop.index }} as (
  select
    {{ model_monitor.string_literal(monitor.name) }} as monitor_name,
    l.label_arrival_day,
    count(*) as label_count,
    -- orphan_label_count = labels whose id matches no prediction id
    sum(case when p.prediction_id is null then 1 else 0 end) as orphan_label_count
  from label_rows_{{ loop.index }} as l
  left join prediction_ids_{{ loop.index }} as p
    on l.label_id = p.prediction_id
  group by l.label_arrival_day
),
{%- endfor %}
orphans as (
  {%- for monitor in monitors %}
  {% if not loop.first %}union all {% endif %}select * from orphans_{{ loop.index }}
  {%- endfor %}
)
select
  monitor_name,
  label_arrival_day,
  cast(label_count as {{ dbt.type_bigint() }}) as label_count,
  cast(orphan_label_count as {{ dbt.type_bigint() }}) as orphan_label_count
from orphans
{%- endif %}
