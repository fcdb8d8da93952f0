{#-
  The row filters shared by the performance tests (monitor_performance): one metric of one source,
  judged only with at least `min_labeled_count` rows behind it. Returns {metric (the metric's
  predicate), where (all predicates), report, lower_is_better}. A `test` block only because
  tests/generic holds nothing else; called as `model_monitor.test__performance_filters(...)`.
-#}
{% test _performance_filters(test, metric_name, metric_source, min_labeled_count) %}
  {%- set where = "model_monitor: test `" ~ test ~ "`, argument `" -%}
  {%- set metrics = [
      'accuracy', 'precision', 'recall', 'f1', 'specificity', 'false_positive_rate', 'balanced_accuracy',
      'matthews_corrcoef', 'positive_prediction_rate', 'prevalence', 'roc_auc', 'average_precision',
      'log_loss', 'brier_score', 'expected_calibration_error', 'true_positives', 'false_positives',
      'true_negatives', 'false_negatives', 'support', 'precision_macro', 'recall_macro', 'f1_macro',
      'precision_weighted', 'recall_weighted', 'f1_weighted', 'precision_micro', 'recall_micro',
      'f1_micro', 'mae', 'mse', 'rmse', 'r2', 'mape', 'mean_error'] -%}
  {%- set lower_is_better = ['log_loss', 'brier_score', 'expected_calibration_error', 'false_positive_rate',
                             'mae', 'mse', 'rmse', 'mape'] -%}
  {%- if metric_name not in metrics -%}
    {{ exceptions.raise_compiler_error(where ~ "metric_name`: expected one of " ~ metrics | join(', ') ~ "; got " ~ (metric_name | string)) }}
  {%- endif -%}
  {%- if metric_source not in ['realized', 'estimated'] -%}
    {{ exceptions.raise_compiler_error(where ~ "metric_source`: expected one of realized, estimated; got " ~ (metric_source | string)) }}
  {%- endif -%}
  {%- if min_labeled_count is not number or min_labeled_count is sameas true or min_labeled_count is sameas false or min_labeled_count < 0 -%}
    {{ exceptions.raise_compiler_error(where ~ "min_labeled_count`: expected a number >= 0; got " ~ (min_labeled_count | string)) }}
  {%- endif -%}
  {%- set metric = "metric_name = " ~ model_monitor.string_literal(metric_name)
                  ~ " and metric_source = " ~ model_monitor.string_literal(metric_source) -%}
  {{ return({
      'metric': metric,
      'where': [metric, "labeled_count >= " ~ min_labeled_count],
      'report': ['metric_source', 'metric_name', 'class_label', 'labeled_count'],
      'lower_is_better': metric_name in lower_is_better}) }}
{% endtest %}
