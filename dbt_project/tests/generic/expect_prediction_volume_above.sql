{#-
  Fails for each window (monitor, slice) of monitor_data_quality with fewer than `min_count`
  predictions, all model versions together; an empty window counts 0 (the model lists every window
  between the first and the last).
-#}
{% test expect_prediction_volume_above(model, min_count=none, monitor=none, include_slices=false, latest_only=true) %}
  {%- set keys = ['monitor_name', 'window_kind', 'window_start', 'window_end', 'slice_key', 'slice_value'] -%}
  {%- set source -%}
    select {{ keys | join(', ') }}, sum(prediction_count) as prediction_count
    from {{ model }}
    where metric_scope = 'window'
    group by {{ keys | join(', ') }}
  {%- endset -%}
  {{ model_monitor.test__expect_value_where(model, 'prediction_count', '<', {
      'test': 'expect_prediction_volume_above', 'bound_name': 'min_count', 'bound': min_count,
      'monitor': monitor, 'include_slices': include_slices, 'latest_only': latest_only,
      'source': source, 'keys': keys | reject('equalto', 'window_kind') | list}) }}
{% endtest %}
