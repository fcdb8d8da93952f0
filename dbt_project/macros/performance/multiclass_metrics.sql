{#-
  Multiclass metrics per window group. Per class (from three group-bys, not a class x row join):
  tp, predicted (rows predicted as the class) and support (rows labeled as the class);
  precision = tp / predicted, recall = tp / support, f1 = 2 tp / (predicted + support), each NULL
  when undefined (sklearn with zero_division=nan). Averages skip NULLs: macro = mean, weighted =
  support-weighted mean, micro from the summed counts.
-#}
{% macro multiclass_class_counts_sql(outcomes_cte) %}
  {%- set g = model_monitor.metric_group_columns() %}
  select {{ g }}, class_label,
    sum(tp) as tp, sum(predicted) as predicted, sum(support) as support
  from (
    select {{ g }}, label_class as class_label, sum(case when label_class = predicted_class then 1 else 0 end) as tp,
      0 as predicted, count(*) as support
    from {{ outcomes_cte }} where label_class is not null and predicted_class is not null
    group by {{ g }}, label_class
    union all
    select {{ g }}, predicted_class, 0, count(*), 0
    from {{ outcomes_cte }} where label_class is not null and predicted_class is not null
    group by {{ g }}, predicted_class
  ) as class_rows
  group by {{ g }}, class_label
{% endmacro %}

{% macro multiclass_per_class_metrics(class_counts_cte) %}
  {%- set d = model_monitor.divide %}
  select * from (
  {{ model_monitor.metric_rows(
      '(select c.*, support as labeled_count from ' ~ class_counts_cte ~ ' as c)',
      [('precision', d('tp', 'predicted')), ('recall', d('tp', 'support')),
       ('f1', d('2 * tp', 'predicted + support')), ('support', 'support')],
      'realized', "'zero_denominator'", 's.class_label') }}
  ) as per_class_rows
{% endmacro %}

{% macro multiclass_average_metrics(class_counts_cte, groups_cte) %}
  {%- set d = model_monitor.divide -%}
  {%- set g = model_monitor.metric_group_columns() -%}
  {%- set double = model_monitor.type_double() %}
  {%- set per_class -%}
    select c.*,
      {{ d('tp', 'predicted') }} as precision_value,
      {{ d('tp', 'support') }} as recall_value,
      {{ d('2 * tp', 'predicted + support') }} as f1_value
    from {{ class_counts_cte }} as c
  {%- endset -%}
  {%- set averages -%}
    select {{ model_monitor.metric_group_columns('grp') }},
      coalesce(a.labeled_count, 0) as labeled_count, a.tp, a.predicted, a.support,
      a.precision_macro, a.recall_macro, a.f1_macro, a.precision_weighted, a.recall_weighted, a.f1_weighted
    from {{ groups_cte }} as grp
    left join (
      select {{ g }},
        sum(support) as labeled_count, sum(tp) as tp, sum(predicted) as predicted, sum(support) as support,
        avg(precision_value) as precision_macro, avg(recall_value) as recall_macro, avg(f1_value) as f1_macro,
        {%- for metric in ['precision', 'recall', 'f1'] %}
        sum(support * {{ metric }}_value) / nullif(sum(case when {{ metric }}_value is not null then support end), 0) as {{ metric }}_weighted{% if not loop.last %},{% endif %}
        {%- endfor %}
      from ({{ per_class }}) as per_class
      group by {{ g }}
    ) as a
      on {{ model_monitor.same_metric_group('grp', 'a') }}
  {%- endset %}
  select * from (
  {{ model_monitor.metric_rows('(' ~ averages ~ ')',
      [('accuracy', d('tp', 'support')),
       ('precision_macro', 'precision_macro'), ('recall_macro', 'recall_macro'), ('f1_macro', 'f1_macro'),
       ('precision_weighted', 'precision_weighted'), ('recall_weighted', 'recall_weighted'), ('f1_weighted', 'f1_weighted'),
       ('precision_micro', d('tp', 'predicted')), ('recall_micro', d('tp', 'support')), ('f1_micro', d('2 * tp', 'predicted + support'))],
      'realized', "case when labeled_count = 0 then 'no_labels' else 'zero_denominator' end") }}
  ) as average_rows
{% endmacro %}
