{#-
  Confusion-matrix metrics of binary classification per window group, from the counts of
  binary_confusion_sql (tp, fp, tn, fn, labeled_count). MCC is NULL, not 0, when a margin is empty.
-#}
{% macro binary_count_metrics(confusion_cte) %}
  {%- set d = model_monitor.divide %}
  select * from (
  {%- set metrics = [
      ('true_positives', 'tp'), ('false_positives', 'fp'), ('true_negatives', 'tn'), ('false_negatives', 'fn'),
      ('accuracy', d('tp + tn', 'labeled_count')),
      ('precision', d('tp', 'tp + fp')),
      ('recall', d('tp', 'tp + fn')),
      ('f1', d('2 * tp', '2 * tp + fp + fn')),
      ('specificity', d('tn', 'tn + fp')),
      ('false_positive_rate', d('fp', 'fp + tn')),
      ('balanced_accuracy', '(' ~ d('tp', 'tp + fn') ~ ' + ' ~ d('tn', 'tn + fp') ~ ') / 2'),
      ('matthews_corrcoef', d('cast(tp as ' ~ model_monitor.type_double() ~ ') * tn - cast(fp as ' ~ model_monitor.type_double() ~ ') * fn',
                              'sqrt(cast(tp + fp as ' ~ model_monitor.type_double() ~ ') * (tp + fn) * (tn + fp) * (tn + fn))')),
      ('positive_prediction_rate', d('tp + fp', 'labeled_count')),
      ('prevalence', d('tp + fn', 'labeled_count'))] %}
  {{ model_monitor.metric_rows(confusion_cte, metrics, 'realized',
      "case when labeled_count = 0 then 'no_labels' when tp + fn = 0 or tn + fp = 0 then 'single_class' else 'zero_denominator' end") }}
  ) as binary_count_rows
{% endmacro %}

{#- Confusion counts per group from labeled rows with a predicted class; `groups_cte` lists every
    group, so windows without labels still get rows. -#}
{% macro binary_confusion_sql(outcomes_cte, groups_cte) %}
  select
    {{ model_monitor.metric_group_columns('g') }},
    coalesce(c.tp, 0) as tp, coalesce(c.fp, 0) as fp, coalesce(c.tn, 0) as tn, coalesce(c.fn, 0) as fn,
    coalesce(c.labeled_count, 0) as labeled_count
  from {{ groups_cte }} as g
  left join (
    select
      {{ model_monitor.metric_group_columns() }},
      sum(case when label_class = '1' and predicted_class = '1' then 1 else 0 end) as tp,
      sum(case when label_class = '0' and predicted_class = '1' then 1 else 0 end) as fp,
      sum(case when label_class = '0' and predicted_class = '0' then 1 else 0 end) as tn,
      sum(case when label_class = '1' and predicted_class = '0' then 1 else 0 end) as fn,
      count(*) as labeled_count
    from {{ outcomes_cte }}
    where label_class is not null and predicted_class is not null
    group by {{ model_monitor.metric_group_columns() }}
  ) as c
    on {{ model_monitor.same_metric_group('g', 'c') }}
{% endmacro %}
