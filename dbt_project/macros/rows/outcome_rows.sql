{#-
  One row per prediction (or reference row) with its outcome, sliced: monitor_name, window_kind,
  window_start, window_end, model_version, slice_index, slice_key, slice_value, observed_at,
  label_arrived_at, score (double), predicted_class / label_class (text; binary '1'/'0'),
  predicted_value / label_value (double, regression), is_labeled (1/0).
  `plan` is an outcome_window_plans entry (or none for the reference).
-#}
{% macro outcome_rows(monitor, side, plan=none) %}
  {%- set by_role = {} -%}
  {%- for column in monitor.columns if column.role in ('score', 'prediction', 'label') -%}
    {%- do by_role.update({column.role: 'r.v_' ~ column.index}) -%}
  {%- endfor -%}
  {%- set text = dbt.type_string() -%}
  {%- set double = model_monitor.type_double() -%}
  {%- set null_text = 'cast(null as ' ~ text ~ ')' -%}
  {%- set null_double = 'cast(null as ' ~ double ~ ')' -%}
  {%- set score = by_role.get('score', null_double) -%}
  {%- set label = by_role.get('label', null_double if monitor.task == 'regression' else null_text) -%}
  {%- if monitor.task == 'binary' -%}
    {%- if monitor.predicted_class_from_score -%}
      {%- set predicted_class = "case when " ~ score ~ " is null then null when " ~ score ~ " >= " ~ monitor.decision_threshold ~ " then '1' else '0' end" -%}
    {%- else -%}
      {%- set predicted_class = model_monitor._binary_class(by_role.prediction, monitor.positive_values) -%}
    {%- endif -%}
    {%- set label_class = model_monitor._binary_class(label, monitor.positive_values) -%}
  {%- elif monitor.task == 'multiclass' -%}
    {%- set predicted_class = by_role.prediction -%}
    {%- set label_class = label -%}
  {%- else -%}
    {%- set predicted_class = null_text -%}
    {%- set label_class = null_text -%}
  {%- endif %}
  select
    r.monitor_name, r.window_kind, r.window_start, r.window_end, r.model_version,
    slice_list.slice_index, slice_list.slice_key,
    {% if monitor.slices %}case slice_list.slice_index{% for slice in monitor.slices %} when {{ loop.index }} then r.s_{{ loop.index }}{% endfor %} end{% else %}{{ null_text }}{% endif %} as slice_value,
    r.observed_at,
    r.label_arrived_at,
    {{ score if monitor.task != 'regression' else null_double }} as score,
    {{ predicted_class }} as predicted_class,
    {{ by_role.prediction if monitor.task == 'regression' else null_double }} as predicted_value,
    {{ label_class }} as label_class,
    {{ label if monitor.task == 'regression' else null_double }} as label_value,
    case when {{ label }} is null then 0 else 1 end as is_labeled
  from ({{ model_monitor.monitor_rows(monitor, side, plan.cutoff if plan else none, plan.extra_windows if plan else none) }}) as r
  cross join ({{ model_monitor.slice_list(monitor) }}) as slice_list
{% endmacro %}

{#- '1' when the text value is one of the positive values, '0' for any other non-null value. -#}
{% macro _binary_class(expression, positive_values) -%}
  case when {{ expression }} is null then null
    when lower({{ expression }}) in ({% for value in positive_values %}{{ model_monitor.string_literal(value | lower) }}{% if not loop.last %}, {% endif %}{% endfor %}) then '1'
    else '0' end
{%- endmacro %}
