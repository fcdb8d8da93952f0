{{ config(materialized='incremental', incremental_strategy=model_monitor.window_incremental_strategy(),
          unique_key=model_monitor.incremental_unique_key('window_key'),
          partition_by=model_monitor.incremental_partition_by('window_key'), on_schema_change='fail') }}
-- depends_on: {{ ref('mm_reference_versions') }}
{#-
  Drift of every monitored column per window, model version and slice against the reference of
  the same slice. Bin statistics come from monitor_distributions (value bins, NULL bucket
  excluded); KS and Wasserstein come from mm_value_drift (the raw finite values, exactly), or,
  for monitors with drift_method binned, from mm_binned_drift (the window state, each with its
  error bound; exact values carry a bound of 0).
-#}
{%- set monitors = model_monitor.get_monitors() -%}
{%- set versions = model_monitor.current_reference_versions() -%}
{%- set cutoffs = model_monitor.window_cutoffs(monitors, versions) -%}
{%- set epsilon = model_monitor.get_epsilon() -%}
{%- set double = model_monitor.type_double() -%}
{%- set text = dbt.type_string() -%}
{%- set lit = model_monitor.string_literal -%}
{%- set bin_statistics = model_monitor.drift_statistics('bins') -%}
{%- set value_statistics = model_monitor.drift_statistics('values') -%}
{%- set bin = {'p': 'p', 'q': 'q', 'ref_count': 'ref_count', 'cur_count': 'cur_count',
               'ref_total': 'ref_total', 'cur_total': 'cur_total', 'epsilon': epsilon} %}
with
current_bins as (
  select * from {{ ref('monitor_distributions') }}
  where window_kind = 'current' and bin_index > 0 and (
    {%- for monitor in monitors %}
    {% if not loop.first %}or {% endif %}(monitor_name = {{ lit(monitor.name) }} and {{ model_monitor.window_filter_sql('window_start', cutoffs.get(monitor.name)) }})
    {%- endfor %}
  )
),
reference_bins as (
  select * from {{ ref('monitor_distributions') }}
  where window_kind = 'reference' and bin_index > 0
),
-- every join below is on one join_key: on several null-safe clauses PostgreSQL estimates a
-- few rows and merges on monitor_name alone
paired_bins as (
  select
    c.monitor_name, c.window_start, c.window_end, c.model_version, c.slice_key, c.slice_value,
    c.column_name, c.column_role, c.column_kind, c.bin_index,
    cast(coalesce(r.bin_count, 0) as {{ double }}) as ref_count,
    cast(c.bin_count as {{ double }}) as cur_count
  from current_bins as c
  left join reference_bins as r
    on {{ model_monitor.join_key(['r.monitor_name', 'r.slice_key', 'r.slice_value', 'r.column_name', 'cast(r.bin_index as ' ~ text ~ ')']) }}
    = {{ model_monitor.join_key(['c.monitor_name', 'c.slice_key', 'c.slice_value', 'c.column_name', 'cast(c.bin_index as ' ~ text ~ ')']) }}
),
bin_totals as (
  select
    monitor_name, window_start, model_version, slice_key, slice_value, column_name,
    sum(ref_count) as ref_total, sum(cur_count) as cur_total
  from paired_bins
  group by monitor_name, window_start, model_version, slice_key, slice_value, column_name
),
bin_shares as (
  select
    b.*, t.ref_total, t.cur_total,
    {{ model_monitor.divide('b.ref_count', 't.ref_total') }} as p,
    {{ model_monitor.divide('b.cur_count', 't.cur_total') }} as q
  from paired_bins as b
  inner join bin_totals as t
    on {{ model_monitor.join_key(['t.monitor_name', 'cast(t.window_start as ' ~ text ~ ')', 't.model_version', 't.slice_key', 't.slice_value', 't.column_name']) }}
    = {{ model_monitor.join_key(['b.monitor_name', 'cast(b.window_start as ' ~ text ~ ')', 'b.model_version', 'b.slice_key', 'b.slice_value', 'b.column_name']) }}
),
bin_statistics as {{ model_monitor.materialized_cte() }} (
  select
    monitor_name, window_start, window_end, model_version, slice_key, slice_value,
    {{ model_monitor.slice_id('slice_key', 'slice_value') }} as slice_id,
    column_name, column_role, column_kind,
    max(ref_total) as reference_count,
    max(cur_total) as current_count,
    count(*) as bin_count,
    sum(case when ref_count + cur_count > 0 then 1 else 0 end) - 1 as chi_square_dof,
    {%- for statistic in bin_statistics %}
    {{ statistic.aggregate }}({{ model_monitor._drift_bin_term(statistic, bin) }}) as {{ statistic.name }}_total{% if not loop.last %},{% endif %}
    {%- endfor %}
  from bin_shares
  group by monitor_name, window_start, window_end, model_version, slice_key, slice_value, column_name, column_role, column_kind
),
value_statistics as (
  select monitor_name, window_start, model_version, slice_id, column_name,
    {%- for statistic in value_statistics %}
    {{ statistic.name }}, case when {{ statistic.name }} is not null then 0 end as {{ statistic.error_bound }}{% if not loop.last %},{% endif %}
    {%- endfor %}
  from {{ ref('mm_value_drift') }}
  union all
  select monitor_name, window_start, model_version, slice_id, column_name,
    {% for statistic in value_statistics %}{{ statistic.name }}, {{ statistic.error_bound }}{% if not loop.last %}, {% endif %}{% endfor %}
  from {{ ref('mm_binned_drift') }}
),
recent_value_statistics as (
  select * from value_statistics
  where {% for monitor in monitors %}{% if not loop.first %} or {% endif %}(monitor_name = {{ lit(monitor.name) }} and {{ model_monitor.window_filter_sql('window_start', cutoffs.get(monitor.name)) }}){% endfor %}
)
select
  {{ model_monitor.window_key('b.monitor_name', "'current'", 'b.window_start') }} as window_key,
  b.monitor_name,
  'current' as window_kind,
  b.window_start,
  b.window_end,
  b.model_version,
  b.slice_key,
  b.slice_value,
  b.column_name,
  b.column_role,
  b.column_kind,
  cast(b.reference_count as {{ dbt.type_bigint() }}) as reference_count,
  cast(b.current_count as {{ dbt.type_bigint() }}) as current_count,
  cast(b.bin_count as {{ dbt.type_int() }}) as bin_count,
  {%- for statistic in bin_statistics %}
  case when {{ model_monitor.has_both_sides('b') }} then {{ statistic.value | replace('{total}', 'b.' ~ statistic.name ~ '_total') }} end as {{ statistic.name }},
  {%- if statistic.name == 'chi_square' %}
  {#- the degrees of freedom stand beside their statistic: a count, not a drift statistic #}
  case when {{ model_monitor.has_both_sides('b') }} then cast(b.chi_square_dof as {{ dbt.type_int() }}) end as chi_square_dof,
  {%- endif %}
  {%- endfor %}
  {%- for statistic in value_statistics %}
  v.{{ statistic.name }},
  {%- endfor %}
  {%- for statistic in value_statistics %}
  v.{{ statistic.error_bound }},
  {%- endfor %}
  case b.monitor_name{% for monitor in monitors %} when {{ lit(monitor.name) }} then {{ lit(monitor.drift_method) }}{% endfor %} end as drift_method,
  {{ model_monitor.reference_version_expr(monitors, versions, 'b.monitor_name') }} as reference_version{{ model_monitor.key_fingerprint_column(model_monitor.window_key('b.monitor_name', "'current'", 'b.window_start'), 'window_key') }}
from bin_statistics as b
left join recent_value_statistics as v
  on {{ model_monitor.join_key(['v.monitor_name', 'cast(v.window_start as ' ~ text ~ ')', 'v.model_version', 'v.slice_id', 'v.column_name']) }}
  = {{ model_monitor.join_key(['b.monitor_name', 'cast(b.window_start as ' ~ text ~ ')', 'b.model_version', 'b.slice_id', 'b.column_name']) }}
