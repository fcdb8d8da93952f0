{#-
  Regression metrics per window group from rows with a finite label and prediction:
  MAE, MSE, RMSE, R2 = 1 - SSE / SST (NULL when the labels are constant), MAPE = mean(|y - yhat| /
  max(|y|, eps)) with eps the float64 machine epsilon (sklearn), mean_error = mean(yhat - y).
-#}
{% macro regression_metrics(outcomes_cte, groups_cte) %}
  {%- set d = model_monitor.divide -%}
  {%- set g = model_monitor.metric_group_columns() -%}
  {%- set double = model_monitor.type_double() %}
  {%- set aggregates -%}
    select {{ model_monitor.metric_group_columns('grp') }},
      coalesce(a.labeled_count, 0) as labeled_count, a.mae, a.mse, a.sse, a.sst, a.mape, a.mean_error
    from {{ groups_cte }} as grp
    left join (
      select {{ g }},
        count(*) as labeled_count,
        avg(abs(label_value - predicted_value)) as mae,
        avg((label_value - predicted_value) * (label_value - predicted_value)) as mse,
        sum((label_value - predicted_value) * (label_value - predicted_value)) as sse,
        sum((label_value - label_mean) * (label_value - label_mean)) as sst,
        avg(abs(label_value - predicted_value) / greatest(abs(label_value), cast('2.220446049250313e-16' as {{ double }}))) as mape,
        avg(predicted_value - label_value) as mean_error
      from (
        select o.*, avg(label_value) over (partition by {{ g }}) as label_mean
        from {{ outcomes_cte }} as o
        where {{ model_monitor.is_finite('label_value') }} and {{ model_monitor.is_finite('predicted_value') }}
      ) as rows_with_mean
      group by {{ g }}
    ) as a
      on {{ model_monitor.same_metric_group('grp', 'a') }}
  {%- endset %}
  select * from (
  {{ model_monitor.metric_rows('(' ~ aggregates ~ ')',
      [('mae', 'mae'), ('mse', 'mse'), ('rmse', 'sqrt(mse)'),
       ('r2', 'case when sst > 0 then 1 - sse / sst end'), ('mape', 'mape'), ('mean_error', 'mean_error')],
      'realized', "case when labeled_count = 0 then 'no_labels' else 'constant_labels' end") }}
  ) as regression_rows
{% endmacro %}
