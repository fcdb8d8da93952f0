{#- Fails for each drift row (monitor, window, version, slice, column) whose PSI is at or above `threshold`. -#}
{% test expect_psi_below(model, threshold=none, monitor=none, columns=none, include_slices=false, latest_only=true) %}
  {{ model_monitor.test__expect_value_where(model, 'psi', '>=', {
      'test': 'expect_psi_below', 'bound': threshold, 'monitor': monitor, 'columns': columns,
      'include_slices': include_slices, 'latest_only': latest_only,
      'report': ['column_name', 'column_kind']}) }}
{% endtest %}
