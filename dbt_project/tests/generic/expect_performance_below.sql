{#-
  Fails for each performance row (monitor, window, version, slice, class) of `metric_name` at or above
  `threshold`: a ceiling for error metrics (rmse, mae, log_loss, brier_score ...), among rows with at
  least `min_labeled_count` labeled rows.
-#}
{% test expect_performance_below(model, metric_name=none, threshold=none, metric_source='realized', min_labeled_count=1, monitor=none, include_slices=false, latest_only=true) %}
  {%- set performance = model_monitor.test__performance_filters('expect_performance_below', metric_name, metric_source, min_labeled_count) -%}
  {{ model_monitor.test__expect_value_where(model, 'metric_value', '>=', {
      'test': 'expect_performance_below', 'bound': threshold, 'monitor': monitor,
      'include_slices': include_slices, 'latest_only': latest_only,
      'where': performance.where, 'report': performance.report}) }}
{% endtest %}
