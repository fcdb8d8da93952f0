{#-
  ROC AUC and average precision of binary monitors with performance_method binned, from the
  score cells (binned_score_aggregates_sql), each the midpoint of an interval that holds the exact
  value, with the interval's half-width as error_bound (docs/design.md, "Binned ROC AUC and
  average precision"). Undefined exactly when the exact metric is.
-#}
{% macro binned_score_metrics(aggregates_cte) %}
  {%- set d = model_monitor.divide %}
  {%- set pairs = 'cast(positives as ' ~ model_monitor.type_double() ~ ') * negatives' %}
  {%- set metrics = [
      ('roc_auc', d('auc_numerator', pairs), d('auc_half_width', pairs)),
      ('average_precision', d('(ap_low + ap_high) / 2', 'positives'), d('(ap_high - ap_low) / 2', 'positives'))] %}
  select * from (
  {{ model_monitor.metric_rows(aggregates_cte, metrics, 'realized',
      "case when labeled_rows = 0 then 'no_labels' when labeled_count = 0 then 'no_scores' else 'single_class' end") }}
  ) as binned_score_rows
{% endmacro %}

{#-
  Per group of `groups_cte` (group columns and group_id) of the `monitors` given: positives,
  negatives, labeled_count (labeled rows with a finite score), labeled_rows, and from the cells in
  ascending score order, where cell k is its interior (e_{k-1}, e_k) then its edge e_k:
  auc_numerator = sum of p * (negatives below + n / 2) over interiors and edges (pairs in one
  interior counted half), auc_half_width = sum over interiors of p_in * n_in / 2;
  ap_low / ap_high = sum over edges of p_e * precision(score >= e_k) plus, per interior, the least
  and the most its positives' precisions can add up to: the j-th positive from the top has at least
  f(j) = (A + j) / (A + j + B + n_in), at most (A + p_in) / (A + p_in + B), A and B the positives and
  negatives above the interior; f is concave, so the sum of f(1..p_in) >= p_in (f(1) + f(p_in)) / 2.
-#}
{% macro binned_score_aggregates_sql(cells_relation, groups_cte, monitors) %}
  {%- set double = model_monitor.type_double() -%}
  {%- set lit = model_monitor.string_literal -%}
  select
    {{ model_monitor.metric_group_columns('grp') }},
    coalesce(a.positives, 0) as positives, coalesce(a.negatives, 0) as negatives,
    a.auc_numerator, a.auc_half_width, a.ap_low, a.ap_high,
    coalesce(a.labeled_count, 0) as labeled_count, coalesce(a.labeled_rows, 0) as labeled_rows
  from {{ groups_cte }} as grp
  left join (
    select group_id,
      max(positives) as positives, max(negatives) as negatives,
      sum(pi * (negatives_below + 0.5 * ni) + pe * (negatives_below + ni + 0.5 * ne)) as auc_numerator,
      sum(0.5 * pi * ni) as auc_half_width,
      -- the j-th positive inside from the top has precision >= f(j) = (A + j) / (A + j + B + n_in), f concave
      -- in j: the sum over j = 1..p_in is at least p_in (f(1) + f(p_in)) / 2
      sum(edge_precision + case when pi > 0 then pi * (
          (positives_above + pe + 1) / (positives_above + pe + 1 + negatives_above + ne + ni)
          + (positives_above + pe + pi) / (positives_above + pe + pi + negatives_above + ne + ni)) / 2 else 0 end) as ap_low,
      sum(edge_precision + case when pi > 0 then pi * (positives_above + pe + pi) / (positives_above + pe + pi + negatives_above + ne) else 0 end) as ap_high,
      max(positives + negatives) as labeled_count,
      max(positives + negatives) + max(unscored_labeled) as labeled_rows
    from (
      select ordered.*,
        ordered.negatives_up_to - ordered.ne - ordered.ni as negatives_below,
        ordered.positives - ordered.positives_up_to as positives_above,
        ordered.negatives - ordered.negatives_up_to as negatives_above,
        case when ordered.pe > 0 then ordered.pe * (ordered.positives - ordered.positives_up_to + ordered.pe)
          / (ordered.positives - ordered.positives_up_to + ordered.pe + ordered.negatives - ordered.negatives_up_to + ordered.ne) else 0 end as edge_precision
      from (
        -- running counts up to and including each cell, in ascending score order
        select cells.*,
          sum(pe + pi) over (partition by group_id order by cell_index rows between unbounded preceding and current row) as positives_up_to,
          sum(ne + ni) over (partition by group_id order by cell_index rows between unbounded preceding and current row) as negatives_up_to,
          sum(pe + pi) over (partition by group_id) as positives,
          sum(ne + ni) over (partition by group_id) as negatives,
          sum(unscored) over (partition by group_id) as unscored_labeled
        from (
          -- cell 0 (no finite score) is kept for labeled_rows; its counts are all interior
          select numbered.group_id, c.cell_index,
            cast(case when c.cell_index > 0 then c.positive_edge_count else 0 end as {{ double }}) as pe,
            cast(case when c.cell_index > 0 then c.negative_edge_count else 0 end as {{ double }}) as ne,
            cast(case when c.cell_index > 0 then c.positive_interior_count else 0 end as {{ double }}) as pi,
            cast(case when c.cell_index > 0 then c.negative_interior_count else 0 end as {{ double }}) as ni,
            cast(case when c.cell_index = 0 then c.positive_interior_count + c.negative_interior_count else 0 end as {{ double }}) as unscored
          from {{ cells_relation }} as c
          inner join {{ groups_cte }} as numbered
            on {{ model_monitor.same_metric_group('c', 'numbered') }}
          where c.monitor_name in ({% for monitor in monitors %}{{ lit(monitor.name) }}{% if not loop.last %}, {% endif %}{% endfor %})
        ) as cells
      ) as ordered
    ) as placed
    group by group_id
  ) as a
    on grp.group_id = a.group_id
{% endmacro %}
