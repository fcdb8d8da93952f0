{#-
  Fails for each drift row (monitor, window, version, slice, column) whose `statistic` is at or
  above `threshold`: any statistic column of monitor_drift (drift_statistics(): psi, chi_square,
  js_distance, hellinger, tv_distance, l_infinity, ks_statistic, wasserstein, wasserstein_normed).
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
