{#-
  Fails for each performance row (monitor, window, version, slice, class) of `metric_name` that is worse
  than the reference's value of the same metric, source, slice and class by `threshold` or more.
  drop = reference - value (value - reference for lower-is-better metrics such as rmse, log_loss);
  relative: drop / |reference|. Rows without a reference value are not judged.
-#}
{% test expect_performance_drop_below(model, metric_name=none, threshold=none, metric_source='realized', min_labeled_count=1, relative=false, monitor=none, include_slices=false, latest_only=true) %}
  {%- set performance = model_monitor.test__performance_filters('expect_performance_drop_below', metric_name, metric_source, min_labeled_count) -%}
  {%- if relative is not sameas true and relative is not sameas false -%}
    {{ exceptions.raise_compiler_error("model_monitor: test `expect_performance_drop_below`, argument `relative`: expected true or false; got " ~ (relative | string)) }}
  {%- endif -%}
  {%- set drop = 'metric_value - reference_value' if performance.lower_is_better else 'reference_value - metric_value' -%}
  {%- set same = [] -%}
  {%- for key in ['slice_key', 'slice_value', 'class_label'] -%}
    {%- do same.append('(reference_rows.' ~ key ~ ' = current_side.' ~ key ~ ' or (reference_rows.' ~ key ~ ' is null and current_side.' ~ key ~ ' is null))') -%}
  {%- endfor -%}
  {%- set source -%}
    select current_side.*, reference_rows.metric_value as reference_value
    from (select * from {{ model }} where {{ performance.metric }}) as current_side
    left join (select * from {{ model }} where window_kind = 'reference' and {{ performance.metric }}) as reference_rows
      on reference_rows.monitor_name = current_side.monitor_name and {{ same | join(' and ') }}
    where current_side.window_kind = 'current'
  {%- endset -%}
  {{ model_monitor.test__expect_value_where(model,
      model_monitor.divide(drop, 'abs(reference_value)') if relative else drop, '>=', {
      'test': 'expect_performance_drop_below', 'bound': threshold, 'monitor': monitor,
      'include_slices': include_slices, 'latest_only': latest_only, 'source': source,
      'where': performance.where, 'report': performance.report + ['metric_value', 'reference_value']}) }}
{% endtest %}
