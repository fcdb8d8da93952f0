{#-
  Score-based metrics of binary classification per window group, from score_aggregates_sql:
  ROC AUC = sum over positives of (negatives below + half the negatives tied) / (P * N)
  (Mann-Whitney with midranks, sklearn's roc_auc_score); average precision = sum over distinct
  scores of positives_at_s * precision(score >= s) / P (sklearn's step-wise AP); log loss with
  probabilities clipped to [eps, 1 - eps]; Brier score; expected calibration error.
-#}
{% macro binary_score_metrics(aggregates_cte) %}
  {%- set d = model_monitor.divide %}
  {%- set metrics = [
      ('roc_auc', d('auc_numerator', 'cast(positives as ' ~ model_monitor.type_double() ~ ') * negatives')),
      ('average_precision', d('ap_numerator', 'positives')),
      ('log_loss', 'log_loss'),
      ('brier_score', 'brier_score'),
      ('expected_calibration_error', 'expected_calibration_error')] %}
  select * from (
  {{ model_monitor.metric_rows(aggregates_cte, metrics, 'realized',
      "case when labeled_rows = 0 then 'no_labels' when labeled_count = 0 then 'no_scores' else 'single_class' end") }}
  ) as binary_score_rows
{% endmacro %}

{#-
  Per group: positives, negatives, auc_numerator, ap_numerator, log_loss, brier_score,
  expected_calibration_error, labeled_count (labeled rows with a finite score), labeled_rows
  (labeled rows, scored or not: no labels and no scores are different reasons for a NULL).
  `bins_sql` gives each row's calibration bin count for its monitor. `groups_cte` has the group
  columns and a unique integer group_id, the key the sort by score partitions on. `sorted_monitors`
  (names; default all) limits the sort behind ROC AUC and average precision to those monitors: the
  others (performance_method binned) get theirs from monitor_score_cells.
-#}
{% macro score_aggregates_sql(outcomes_cte, groups_cte, bins_sql, sorted_monitors=none) %}
  {%- set double = model_monitor.type_double() -%}
  {%- set g = model_monitor.metric_group_columns() %}
  select
    {{ model_monitor.metric_group_columns('grp') }},
    coalesce(r.positives, 0) as positives, coalesce(r.negatives, 0) as negatives,
    r.auc_numerator, r.ap_numerator, m.log_loss, m.brier_score, e.expected_calibration_error,
    coalesce(m.labeled_count, 0) as labeled_count, coalesce(m.labeled_rows, 0) as labeled_rows
  from {{ groups_cte }} as grp
  left join (
    select group_id,
      max(positives) as positives, max(negatives) as negatives,
      sum(pos * (negatives_up_to - neg + 0.5 * neg)) as auc_numerator,
      sum(pos * cast(positives - positives_up_to + pos as {{ double }})
        / (positives - positives_up_to + pos + negatives - negatives_up_to + neg)) as ap_numerator
    from (
      -- one ascending sort of the distinct scores: the counts at or above a score are the
      -- group's totals minus the running counts below it
      select p.*,
        sum(pos) over (partition by group_id order by score rows between unbounded preceding and current row) as positives_up_to,
        sum(neg) over (partition by group_id order by score rows between unbounded preceding and current row) as negatives_up_to,
        sum(pos) over (partition by group_id) as positives,
        sum(neg) over (partition by group_id) as negatives
      -- counts as doubles (exact below 2^53): DuckDB sums integers as 128-bit ones, and those
      -- running sums (and the decimals they turn the products into) cost three times more
      from (
        select numbered.group_id, o.score,
          cast(sum(case when o.label_class = '1' then 1 else 0 end) as {{ double }}) as pos,
          cast(sum(case when o.label_class = '0' then 1 else 0 end) as {{ double }}) as neg
        from {{ outcomes_cte }} as o
        inner join {{ groups_cte }} as numbered
          on {{ model_monitor.same_metric_group('o', 'numbered') }}
        where o.label_class is not null and {{ model_monitor.is_finite('o.score') }}
          {%- if sorted_monitors is not none %}
          and {% if sorted_monitors %}o.monitor_name in ({% for name in sorted_monitors %}{{ model_monitor.string_literal(name) }}{% if not loop.last %}, {% endif %}{% endfor %}){% else %}1 = 0{% endif %}
          {%- endif %}
        group by numbered.group_id, o.score
      ) as p
    ) as ranked
    group by group_id
  ) as r
    on grp.group_id = r.group_id
  left join (
    -- log loss clips probabilities to [eps, 1 - eps], eps = float64 machine epsilon (sklearn 1.9)
    select {{ g }},
      avg(-(y * ln(clipped) + (1 - y) * ln(1 - clipped))) as log_loss,
      avg((finite_score - y) * (finite_score - y)) as brier_score,
      count(finite_score) as labeled_count,
      count(*) as labeled_rows
    from (
      select {{ g }}, finite_score,
        case when label_class = '1' then cast(1 as {{ double }}) else cast(0 as {{ double }}) end as y,
        -- guarded: PostgreSQL's least() and greatest() skip NULLs
        case when finite_score is not null then greatest(cast('2.220446049250313e-16' as {{ double }}), least(cast('0.9999999999999998' as {{ double }}), finite_score)) end as clipped
      from (
        select {{ g }}, label_class,
          case when {{ model_monitor.is_finite('score') }} then score end as finite_score
        from {{ outcomes_cte }}
        where label_class is not null
      ) as labeled
    ) as scored
    group by {{ g }}
  ) as m
    on {{ model_monitor.same_metric_group('grp', 'm') }}
  left join (
    -- ECE = sum over bins of n_b / n * |mean score_b - positive rate_b|
    select {{ g }}, sum(bin_rows * abs(mean_score - positive_rate)) / sum(bin_rows) as expected_calibration_error
    from (
      select {{ g }}, {{ model_monitor.calibration_bin('score', bins_sql) }} as bin_index,
        count(*) as bin_rows, avg(score) as mean_score,
        avg(case when label_class = '1' then cast(1 as {{ model_monitor.type_double() }}) else cast(0 as {{ model_monitor.type_double() }}) end) as positive_rate
      from {{ outcomes_cte }}
      where label_class is not null and {{ model_monitor.is_finite('score') }}
      group by {{ g }}, {{ model_monitor.calibration_bin('score', bins_sql) }}
    ) as cells
    group by {{ g }}
  ) as e
    on {{ model_monitor.same_metric_group('grp', 'e') }}
{% endmacro %}

{#- Calibration bin of a probability: ((k-1)/B, k/B] -> k, clamped into 1..B. -#}
{% macro calibration_bin(score, bins_sql) -%}
  cast(least(greatest(ceil({{ score }} * {{ bins_sql }}), 1), {{ bins_sql }}) as {{ dbt.type_int() }})
{%- endmacro %}
