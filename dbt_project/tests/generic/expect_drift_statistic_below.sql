{#-
  Fails for each drift row (monitor, window, version, slice, column) whose `statistic` is at or
  above `threshold`: any statistic column drift_statistics() declares.
-#}
{% test expect_drift_statistic_below(model, statistic=none, threshold=none, monitor=none, columns=none, include_slices=false, latest_only=true) %}
  {%- set statistics = model_monitor.drift_statistics() | map(attribute='name') | list -%}
  {%- if statistic not in statistics -%}
    {{ exceptions.raise_compiler_error("model_monitor: test `expect_drift_statistic_below`, argument `statistic`: expected one of " ~ statistics | join(', ') ~ "; got " ~ (statistic | string)) }}
  {%- endif -%}
  {#- One of the package's own columns, checked above and created unquoted by the model. -#}
  {{ model_monitor.test__expect_value_where(model, statistic, '>=', {
      'test': 'expect_drift_statistic_below', 'bound': threshold, 'monitor': monitor,
      'columns': columns, 'include_slices': include_slices, 'latest_only': latest_only,
      'report': ['column_name', 'column_kind', "'" ~ statistic ~ "' as statistic"]}) }}
{% endtest %}
