{#-
  Fails for each categorical column of a window (monitor_data_quality) whose share of non-null values
  absent from the reference (unseen_category_count / non-null values) is at or above `threshold`.
-#}
{% test expect_unseen_category_share_below(model, threshold=none, monitor=none, columns=none, include_slices=false, latest_only=true) %}
  {{ model_monitor.test__expect_value_where(model,
      model_monitor.divide('unseen_category_count', 'row_count - null_count'), '>=', {
      'test': 'expect_unseen_category_share_below', 'bound': threshold, 'monitor': monitor,
      'columns': columns, 'include_slices': include_slices, 'latest_only': latest_only,
      'where': ["metric_scope = 'column'", "column_kind = 'categorical'"],
      'report': ['column_name', 'row_count', 'null_count', 'unseen_category_count']}) }}
{% endtest %}
