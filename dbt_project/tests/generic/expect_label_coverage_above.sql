{#-
  Fails for each window (monitor, version, slice) of monitor_label_coverage whose label coverage is below
  `floor`, among windows at least `min_age_windows` windows older than the monitor's latest one
  (recent windows are still waiting for their labels).
-#}
{% test expect_label_coverage_above(model, floor=none, min_age_windows=7, monitor=none, include_slices=false) %}
  {{ model_monitor.test__expect_value_where(model, 'label_coverage', '<', {
      'test': 'expect_label_coverage_above', 'bound_name': 'floor', 'bound': floor, 'monitor': monitor,
      'include_slices': include_slices, 'min_age_windows': min_age_windows,
      'report': ['prediction_count', 'labeled_count']}) }}
{% endtest %}
