{{ config(materialized='incremental', incremental_strategy=model_monitor.window_incremental_strategy(),
          unique_key=model_monitor.incremental_unique_key('window_key'),
          partition_by=model_monitor.incremental_partition_by('window_key'), on_schema_change='fail') }}
-- depends_on: {{ ref('mm_reference_versions') }}
{#-
  Residual (prediction - label) distribution of regression monitors per window (the reference's
  own included), model version and slice, on bins at the reference's residual quantiles with the
  numerical binning rule of monitor_reference_bins: edges r_(ceil(i * n / bins)), right-closed,
  open-ended. Every bin appears for every window, zero counts too.
-#}
{%- set monitors = model_monitor.get_monitors() -%}
{%- set versions = model_monitor.current_reference_versions() -%}
{%- set plans = model_monitor.outcome_window_plans(monitors, versions) -%}
{%- set with_reference = model_monitor.reference_monitors_to_build(monitors, versions, "window_kind = 'reference'") | map(attribute='name') | list -%}
{%- set regressors = [] -%}
{%- for monitor in monitors if monitor.task == 'regression' and monitor.labels is not none %}{% do regressors.append(monitor) %}{% endfor -%}
{%- set text = dbt.type_string() -%}
{%- set double = model_monitor.type_double() -%}
{%- set lit = model_monitor.string_literal -%}
{%- set g = model_monitor.metric_group_columns() %}
{%- if not regressors %}
{{ model_monitor.empty_relation([('window_key', text), ('monitor_name', text), ('window_kind', text),
    ('window_start', dbt.type_timestamp()), ('window_end', dbt.type_timestamp()), ('model_version', text),
    ('slice_key', text), ('slice_value', text), ('bin_index', dbt.type_int()), ('lower_bound', double),
    ('upper_bound', double), ('bin_count', dbt.type_bigint()), ('bin_share', double),
    ('labels_as_of', dbt.type_timestamp()), ('reference_version', text)] + model_monitor.key_fingerprint_columns('window_key')) }}
{%- else %}
with
current_residuals as (
  {%- for monitor in regressors %}
  {% if not loop.first %}union all {% endif %}
  select {{ g }}, predicted_value - label_value as residual
  from ({{ model_monitor.outcome_rows(monitor, 'current', plans.get(monitor.name)) }}) as o
  where {{ model_monitor.is_finite('predicted_value - label_value') }}
  {%- endfor %}
),
reference_residuals as (
  {%- for monitor in regressors %}
  {% if not loop.first %}union all {% endif %}
  select {{ g }}, predicted_value - label_value as residual
  from ({{ model_monitor.outcome_rows(monitor, 'reference') }}) as o
  where {{ model_monitor.is_finite('predicted_value - label_value') }}
  {%- endfor %}
),
ranked_reference as (
  select monitor_name, residual,
    row_number() over (partition by monitor_name order by residual) as value_rank,
    count(*) over (partition by monitor_name) as value_count
  from reference_residuals
  where slice_key is null
),
edges as (
  -- e_i = r_(ceil(i * n / bins)), distinct
  select distinct r.monitor_name, case when r.residual = 0 then cast(0 as {{ double }}) else r.residual end as edge
  from ranked_reference as r
  inner join ({{ model_monitor.numbers(4) }}) as q
    on q.n between 1 and {{ model_monitor.monitor_setting_sql(regressors, 'bins', 'r.monitor_name') }} - 1
    and r.value_rank = cast(ceil(cast(q.n as {{ double }}) * r.value_count / {{ model_monitor.monitor_setting_sql(regressors, 'bins', 'r.monitor_name') }}) as {{ dbt.type_bigint() }})
),
residual_bins as (
  select monitor_name,
    row_number() over (partition by monitor_name order by edge) as bin_index,
    lag(edge) over (partition by monitor_name order by edge) as lower_bound,
    edge as upper_bound
  from edges
  union all
  select monitor_name, count(*) + 1, max(edge), cast(null as {{ double }})
  from edges group by monitor_name
  union all
  select m.monitor_name, 1, cast(null as {{ double }}), cast(null as {{ double }})
  from (select distinct monitor_name from current_residuals) as m
  where not exists (select 1 from edges as e where e.monitor_name = m.monitor_name)
),
binned as (
  select {{ model_monitor.metric_group_columns('r') }}, b.bin_index
  from (
    select * from current_residuals
    union all
    select * from reference_residuals
    where monitor_name in ({% for name in with_reference %}{{ lit(name) }}{% if not loop.last %}, {% endif %}{% endfor %}{% if not with_reference %}''{% endif %})
  ) as r
  inner join residual_bins as b
    on r.monitor_name = b.monitor_name
    and (b.lower_bound is null or r.residual > b.lower_bound)
    and (b.upper_bound is null or r.residual <= b.upper_bound)
),
counts as (
  select {{ g }}, bin_index, count(*) as bin_count from binned group by {{ g }}, bin_index
),
totals as (
  select {{ g }}, count(*) as window_count from binned group by {{ g }}
),
windows as (
  select distinct {{ g }} from binned
)
select
  {{ model_monitor.window_key('w.monitor_name', 'w.window_kind', 'w.window_start') }} as window_key,
  {{ model_monitor.metric_group_columns('w') }},
  cast(b.bin_index as {{ dbt.type_int() }}) as bin_index,
  b.lower_bound,
  b.upper_bound,
  cast(coalesce(c.bin_count, 0) as {{ dbt.type_bigint() }}) as bin_count,
  {{ model_monitor.divide('coalesce(c.bin_count, 0)', 't.window_count') }} as bin_share,
  {{ model_monitor.labels_as_of_expr(regressors, plans, 'w.monitor_name') }} as labels_as_of,
  {{ model_monitor.reference_version_expr(regressors, versions, 'w.monitor_name') }} as reference_version{{ model_monitor.key_fingerprint_column(model_monitor.window_key('w.monitor_name', 'w.window_kind', 'w.window_start'), 'window_key') }}
from windows as w
inner join residual_bins as b on w.monitor_name = b.monitor_name
left join totals as t on {{ model_monitor.same_metric_group('w', 't') }}
left join counts as c on {{ model_monitor.same_metric_group('w', 'c') }} and b.bin_index = c.bin_index
{%- endif %}
