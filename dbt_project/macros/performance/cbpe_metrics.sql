{#-
  Confidence-based performance estimation (CBPE, as NannyML defines it) per window group: each
  scored row's calibrated probability p of being positive gives an expected confusion matrix,
  E[TP] = sum(p) and E[FP] = sum(1 - p) over predicted positives, E[FN] = sum(p) and
  E[TN] = sum(1 - p) over predicted negatives; the metrics follow from it. Labels are not used.
-#}
{% macro cbpe_metrics(calibrated_cte, groups_cte) %}
  {%- set d = model_monitor.divide -%}
  {%- set g = model_monitor.metric_group_columns() %}
  {%- set expected -%}
    select {{ model_monitor.metric_group_columns('grp') }},
      coalesce(e.scored_rows, 0) as labeled_count, e.etp, e.efp, e.etn, e.efn
    from {{ groups_cte }} as grp
    left join (
      select {{ g }},
        count(*) as scored_rows,
        sum(case when predicted_class = '1' then probability else 0 end) as etp,
        sum(case when predicted_class = '1' then 1 - probability else 0 end) as efp,
        sum(case when predicted_class = '0' then 1 - probability else 0 end) as etn,
        sum(case when predicted_class = '0' then probability else 0 end) as efn
      from {{ calibrated_cte }}
      group by {{ g }}
    ) as e
      on {{ model_monitor.same_metric_group('grp', 'e') }}
  {%- endset %}
  select * from (
  {{ model_monitor.metric_rows('(' ~ expected ~ ')',
      [('accuracy', d('etp + etn', 'labeled_count')), ('precision', d('etp', 'etp + efp')),
       ('recall', d('etp', 'etp + efn')), ('f1', d('2 * etp', '2 * etp + efp + efn')),
       ('specificity', d('etn', 'etn + efp'))],
      'estimated', "case when labeled_count = 0 then 'no_scores' else 'zero_denominator' end") }}
  ) as cbpe_rows
{% endmacro %}
