{#-
  The labels of a monitor that changed since `as_of` (the previous run's labels_as_of): one row
  per prediction id whose counted label (mm_latest_labels) arrived after it, with that label's
  text (label_text) and the text of the label that counted at `as_of` (previous_label_text, NULL
  when the id had none). The previous label is ranked as latest_labels ranks, among the id's
  labels that had arrived by `as_of` (or carry no timestamp); only the changed ids are ranked.
  A label that arrives with a timestamp at or before `as_of` is not seen, as in
  outcome_window_plans.
-#}
{% macro label_changes(monitor, as_of) %}
  {%- set q = model_monitor.quote_name -%}
  {%- set labels = monitor.labels -%}
  {%- set text = dbt.type_string() -%}
  {%- set arrived_at = 'l.' ~ q(labels.timestamp_column) -%}
  {%- set as_of_sql = model_monitor.timestamp_literal(as_of) -%}
  select changed.label_id, changed.label_text, previous.label_text as previous_label_text
  from (
    select label_id, label_text
    from {{ ref('mm_latest_labels') }}
    where monitor_name = {{ model_monitor.string_literal(monitor.name) }}
      and label_arrived_at > {{ as_of_sql }}
  ) as changed
  left join (
    select label_id, label_text
    from (
      select
        cast(l.{{ q(labels.id_column) }} as {{ text }}) as label_id,
        cast(l.{{ q(labels.label_column) }} as {{ text }}) as label_text,
        row_number() over (
          partition by cast(l.{{ q(labels.id_column) }} as {{ text }})
          order by {{ arrived_at }} desc nulls last, l.{{ q(labels.label_column) }} desc nulls last
        ) as arrival_rank
      from {{ labels.relation }} as l
      inner join (
        select label_id from {{ ref('mm_latest_labels') }}
        where monitor_name = {{ model_monitor.string_literal(monitor.name) }}
          and label_arrived_at > {{ as_of_sql }}
      ) as ids
        on cast(l.{{ q(labels.id_column) }} as {{ text }}) = ids.label_id
      where {{ arrived_at }} <= {{ as_of_sql }} or {{ arrived_at }} is null
    ) as ranked_labels
    where arrival_rank = 1
  ) as previous
    on changed.label_id = previous.label_id
{% endmacro %}
