{#-
  Fails for each performance row (monitor, window, version, slice, class) of `metric_name` below
  `floor`, among rows with at least `min_labeled_count` labeled (for estimates: scored) rows.
-#}
{% test expect_performance_above(model, metric_name=none, floor=none, metric_source='realized', min_labeled_count=1, monitor=none, include_slices=false, latest_only=true) %}
  {%- set performance = model_monitor.test__performance_filters('expect_performance_above', metric_name, metric_source, min_labeled_count) -%}
  {%- if performance.lower_is_better -%}
    {{ exceptions.raise_compiler_error("model_monitor: test `expect_performance_above`, argument `metric_name`: " ~ metric_name ~ " is lower-is-better; use expect_performance_below") }}
  {%- endif -%}
  {{ model_monitor.test__expect_value_where(model, 'metric_value', '<', {
      'test': 'expect_performance_above', 'bound_name': 'floor', 'bound': floor, 'monitor': monitor,
      'include_slices': include_slices, 'latest_only': latest_only,
      'where': performance.where, 'report': performance.report}) }}
{% endtest %}
