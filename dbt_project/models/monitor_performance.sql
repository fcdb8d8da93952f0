{{ config(materialized='incremental', incremental_strategy=model_monitor.window_incremental_strategy(),
          unique_key=model_monitor.incremental_unique_key('window_key'),
          partition_by=model_monitor.incremental_partition_by('window_key'), on_schema_change='fail') }}
-- depends_on: {{ ref('mm_reference_versions') }}
-- depends_on: {{ ref('mm_score_calibration') }}
-- depends_on: {{ ref('monitor_score_cells') }}
{#-
  Model performance per window (the reference's own included), model version, slice and metric:
  realized metrics from labeled rows (binary, multiclass, regression), and for binary monitors
  with a score the CBPE estimate from every scored row. One row per metric; an undefined value is
  NULL with its undefined_reason. Late labels recompute the windows they land in (see
  outcome_window_plans). Monitors with performance_method binned take ROC AUC and average
  precision from monitor_score_cells, with error_bound (0 for every exactly computed value).
-#}
{%- set monitors = model_monitor.get_monitors() -%}
{%- set versions = model_monitor.current_reference_versions() -%}
{%- set plans = model_monitor.outcome_window_plans(monitors, versions) -%}
{%- set with_reference = model_monitor.reference_monitors_to_build(monitors, versions, "window_kind = 'reference'") | map(attribute='name') | list -%}
{%- set lit = model_monitor.string_literal -%}
{%- set by_task = {'binary': [], 'multiclass': [], 'regression': []} -%}
{%- for monitor in monitors -%}{%- do by_task[monitor.task].append(monitor) -%}{%- endfor -%}
{%- set scored = by_task.binary | selectattr('score_column') | list -%}
{%- set binned = scored | selectattr('performance_method', 'equalto', 'binned') | list -%}
{%- set binned_names = binned | map(attribute='name') | list -%}
{%- set binned_list -%}{% for name in binned_names %}{{ lit(name) }}{% if not loop.last %}, {% endif %}{% endfor %}{%- endset -%}
{%- set g = model_monitor.metric_group_columns() %}
with
{% for monitor in monitors %}
outcomes_{{ loop.index }} as (
  {{ model_monitor.planned_outcome_rows(monitor, plans, with_reference) }}
),
{%- endfor %}
{%- for task, task_monitors in by_task.items() if task_monitors %}
{{ task }}_outcomes as (
  {%- for monitor in task_monitors %}
  {% if not loop.first %}union all {% endif %}select * from outcomes_{{ monitors.index(monitor) + 1 }}
  {%- endfor %}
),
{{ task }}_groups as (
  select distinct {{ g }} from {{ task }}_outcomes
),
{%- endfor %}
{%- if by_task.binary %}
binary_confusion as (
  {{ model_monitor.binary_confusion_sql('binary_outcomes', 'binary_groups') }}
),
{%- endif %}
{%- if scored %}
scored_outcomes as (
  select * from binary_outcomes
  where monitor_name in ({% for monitor in scored %}{{ lit(monitor.name) }}{% if not loop.last %}, {% endif %}{% endfor %})
),
scored_groups as (
  -- group_id: one integer per group for the score sort to partition on, instead of seven columns
  select d.*, row_number() over (order by {{ g }}) as group_id
  from (select distinct {{ g }} from scored_outcomes) as d
),
score_aggregates as (
  {{ model_monitor.score_aggregates_sql('scored_outcomes', 'scored_groups', model_monitor.monitor_setting_sql(scored, 'calibration_bins'),
      scored | rejectattr('name', 'in', binned_names) | map(attribute='name') | list if binned else none) }}
),
{%- if binned %}
binned_score_aggregates as (
  {{ model_monitor.binned_score_aggregates_sql(ref('monitor_score_cells'), 'scored_groups', binned) }}
),
{%- endif %}
calibrated_rows as (
  -- every scored row (labeled or not) with its CBPE-calibrated probability
  select o.*, coalesce(c.calibrated_probability, o.score) as probability
  from scored_outcomes as o
  inner join {{ ref('mm_score_calibration') }} as c
    on o.monitor_name = c.monitor_name
    and (c.lower_bound is null or o.score > c.lower_bound)
    and (c.upper_bound is null or o.score <= c.upper_bound)
  where {{ model_monitor.is_finite('o.score') }} and o.predicted_class is not null
),
{%- endif %}
{%- if by_task.multiclass %}
multiclass_class_counts as (
  {{ model_monitor.multiclass_class_counts_sql('multiclass_outcomes') }}
),
{%- endif %}
metrics as (
  {%- set parts = [] %}
  {%- if by_task.binary %}{% do parts.append(model_monitor.binary_count_metrics('binary_confusion')) %}{% endif %}
  {%- if scored %}
    {%- if binned %}
    {%- do parts.append('select * from (' ~ model_monitor.binary_score_metrics('score_aggregates') ~ ') as exact_score_rows'
        ~ " where metric_name not in ('roc_auc', 'average_precision') or monitor_name not in (" ~ binned_list ~ ')') %}
    {%- do parts.append(model_monitor.binned_score_metrics('binned_score_aggregates')) %}
    {%- else %}
    {%- do parts.append(model_monitor.binary_score_metrics('score_aggregates')) %}
    {%- endif %}
    {%- do parts.append(model_monitor.cbpe_metrics('calibrated_rows', 'scored_groups')) %}
  {%- endif %}
  {%- if by_task.multiclass %}
    {%- do parts.append(model_monitor.multiclass_per_class_metrics('multiclass_class_counts')) %}
    {%- do parts.append(model_monitor.multiclass_average_metrics('multiclass_class_counts', 'multiclass_groups')) %}
  {%- endif %}
  {%- if by_task.regression %}{% do parts.append(model_monitor.regression_metrics('regression_outcomes', 'regression_groups')) %}{% endif %}
  {{ parts | join('\n  union all\n') }}
)
select
  {{ model_monitor.window_key('m.monitor_name', 'm.window_kind', 'm.window_start') }} as window_key,
  {{ model_monitor.metric_group_columns('m') }},
  m.metric_source,
  m.metric_name,
  m.class_label,
  m.metric_value,
  case when m.metric_value is not null then m.error_bound end as error_bound,
  m.labeled_count,
  case when m.metric_value is null then m.undefined_reason end as undefined_reason,
  {{ model_monitor.labels_as_of_expr(monitors, plans, 'm.monitor_name') }} as labels_as_of,
  {{ model_monitor.reference_version_expr(monitors, versions, 'm.monitor_name') }} as reference_version{{ model_monitor.key_fingerprint_column(model_monitor.window_key('m.monitor_name', 'm.window_kind', 'm.window_start'), 'window_key') }}
from metrics as m
