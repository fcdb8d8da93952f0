{{ config(materialized='table') }}
{#-
  Fairness summary of binary monitors per current window, model version and slice column: the
  largest difference across the slice's values of the positive prediction rate (demographic
  parity), the recall (equal opportunity) and the false positive rate, with the slice values at
  both ends. Rebuilt from monitor_performance's aggregates on every run (they are small).
-#}
{%- set binary = model_monitor.get_monitors() | selectattr('task', 'equalto', 'binary') | list %}
{%- if not binary %}
{{ model_monitor.empty_relation([('window_key', dbt.type_string()), ('monitor_name', dbt.type_string()),
    ('window_kind', dbt.type_string()), ('window_start', dbt.type_timestamp()), ('window_end', dbt.type_timestamp()),
    ('model_version', dbt.type_string()), ('slice_key', dbt.type_string()), ('metric_name', dbt.type_string()),
    ('metric_value', model_monitor.type_double()), ('min_slice_value', dbt.type_string()),
    ('max_slice_value', dbt.type_string()), ('slice_count', dbt.type_bigint())]) }}
{%- else %}
with
slice_rates as (
  select monitor_name, window_start, window_end, model_version, slice_key, slice_value,
    case metric_name
      when 'positive_prediction_rate' then 'demographic_parity_difference'
      when 'recall' then 'equal_opportunity_difference'
      else 'false_positive_rate_difference'
    end as metric_name,
    metric_value
  from {{ ref('monitor_performance') }}
  where window_kind = 'current' and metric_source = 'realized' and slice_key is not null
    and metric_name in ('positive_prediction_rate', 'recall', 'false_positive_rate')
    and metric_value is not null and class_label is null
    and monitor_name in ({% for monitor in binary %}{{ model_monitor.string_literal(monitor.name) }}{% if not loop.last %}, {% endif %}{% endfor %})
),
ranked as (
  select s.*,
    row_number() over (partition by monitor_name, window_start, model_version, slice_key, metric_name
                       order by metric_value, case when slice_value is null then 1 else 0 end, {{ model_monitor.text_order('slice_value') }}) as low_rank,
    row_number() over (partition by monitor_name, window_start, model_version, slice_key, metric_name
                       order by metric_value desc, case when slice_value is null then 1 else 0 end, {{ model_monitor.text_order('slice_value') }}) as high_rank
  from slice_rates as s
)
select
  {{ model_monitor.window_key('monitor_name', "'current'", 'window_start') }} as window_key,
  monitor_name,
  'current' as window_kind,
  window_start,
  window_end,
  model_version,
  slice_key,
  metric_name,
  max(case when high_rank = 1 then metric_value end) - max(case when low_rank = 1 then metric_value end) as metric_value,
  max(case when low_rank = 1 then slice_value end) as min_slice_value,
  max(case when high_rank = 1 then slice_value end) as max_slice_value,
  cast(count(*) as {{ dbt.type_bigint() }}) as slice_count
from ranked
group by monitor_name, window_start, window_end, model_version, slice_key, metric_name
{%- endif %}
