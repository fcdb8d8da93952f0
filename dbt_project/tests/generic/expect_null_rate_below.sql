{#- Fails for each monitored column of a window (monitor_data_quality) whose NULL rate is at or above `threshold`. -#}
{% test expect_null_rate_below(model, threshold=none, monitor=none, columns=none, include_slices=false, latest_only=true) %}
  {{ model_monitor.test__expect_value_where(model, 'null_rate', '>=', {
      'test': 'expect_null_rate_below', 'bound': threshold, 'monitor': monitor, 'columns': columns,
      'include_slices': include_slices, 'latest_only': latest_only,
      'where': ["metric_scope = 'column'"],
      'report': ['column_name', 'row_count', 'null_count']}) }}
{% endtest %}
