{{ config(materialized='incremental', incremental_strategy=model_monitor.window_incremental_strategy(),
          unique_key=model_monitor.incremental_unique_key('window_key'),
          partition_by=model_monitor.incremental_partition_by('window_key'), on_schema_change='fail') }}
-- depends_on: {{ ref('mm_reference_versions') }}
{#-
  Exact two-sample KS statistic and Wasserstein-1 distance per current window, model version,
  slice and numerical column, against the reference's finite values of the same slice.
  One sorted stream per (monitor, slice, column) holds the reference's distinct values once and
  every window's distinct values, so the reference is never copied per window; the quantile
  integrals are then equi-joins on reference ranks (see macros/stats/wasserstein.sql).
-#}
{%- set monitors = model_monitor.get_monitors() -%}
{%- set versions = model_monitor.current_reference_versions() -%}
{%- set cutoffs = model_monitor.window_cutoffs(monitors, versions) -%}
{%- set double = model_monitor.type_double() -%}
{%- set bigint = dbt.type_bigint() -%}
{%- set text = dbt.type_string() -%}
{%- set numeric_monitors = [] -%}
{%- for monitor in monitors if monitor.columns | selectattr('kind', 'equalto', 'numerical') | list %}{% do numeric_monitors.append(monitor) %}{% endfor %}
{%- if not numeric_monitors %}
{{ model_monitor.empty_relation([('window_key', text), ('monitor_name', text), ('window_kind', text),
    ('window_start', dbt.type_timestamp()), ('model_version', text), ('slice_id', text), ('column_name', text),
    ('ks_statistic', double), ('wasserstein', double), ('wasserstein_normed', double), ('reference_version', text)]) }}
{%- else %}
with
{% for monitor in numeric_monitors %}
rows_{{ loop.index }} as (
  {{ model_monitor.monitor_rows(monitor, 'current', cutoffs.get(monitor.name)) }}
),
{%- endfor %}
current_points as (
  -- distinct finite current values with their multiplicity
  select monitor_name, window_start, model_version, slice_id, column_name, num_value as x, count(*) as x_count
  from (
    {%- for monitor in numeric_monitors %}
    {% if not loop.first %}union all {% endif %}
    select monitor_name, window_start, model_version, {{ model_monitor.slice_id('slice_key', 'slice_value') }} as slice_id, column_name, num_value
    from ({{ model_monitor.monitor_values(monitor, 'rows_' ~ loop.index) }}) as v
    where column_kind = 'numerical' and {{ model_monitor.is_finite('num_value') }}
    {%- endfor %}
  ) as finite_values
  group by monitor_name, window_start, model_version, slice_id, column_name, num_value
),
current_cdf as (
  select *,
    sum(x_count) over (partition by monitor_name, window_start, model_version, slice_id, column_name
                       order by x rows between unbounded preceding and current row) as cur_le,
    sum(x_count) over (partition by monitor_name, window_start, model_version, slice_id, column_name) as cur_n
  from current_points
),
reference_numeric as (
  select * from {{ ref('mm_reference_numeric') }}
),
reference_stats as (
  select monitor_name, slice_id, column_name,
    max(value_count) as ref_n, max(value_mean) as ref_mean, max(value_stddev) as ref_stddev
  from reference_numeric
  group by monitor_name, slice_id, column_name
),
reference_points as (
  select monitor_name, slice_id, column_name, value as x, max(le_count) as ref_le
  from reference_numeric
  group by monitor_name, slice_id, column_name, value
),
-- the reference's distinct values (side 0) merged with every window's (side 1); running maxima of
-- ref_le give, at each current value x, the reference counts <= x (reference first on ties) and < x
merged_points as (
  select monitor_name, slice_id, column_name, x, 0 as side, ref_le,
    cast(null as {{ dbt.type_timestamp() }}) as window_start, cast(null as {{ text }}) as model_version,
    cast(null as {{ bigint }}) as x_count, cast(null as {{ bigint }}) as cur_le, cast(null as {{ bigint }}) as cur_n
  from reference_points
  union all
  select monitor_name, slice_id, column_name, x, 1, cast(null as {{ bigint }}),
    window_start, model_version, x_count, cur_le, cur_n
  from current_cdf
),
located_points as (
  select *,
    coalesce(max(ref_le) over (partition by monitor_name, slice_id, column_name order by x, side
                               rows between unbounded preceding and current row), 0) as ref_le_at,
    coalesce(max(ref_le) over (partition by monitor_name, slice_id, column_name order by x, side desc
                               rows between unbounded preceding and current row), 0) as ref_lt_at
  from merged_points
),
current_positions as (
  -- the current value's slice of p, (lo, hi], in reference ranks (p * n_ref)
  select
    l.monitor_name, l.window_start, l.model_version, l.slice_id, l.column_name, l.x,
    l.ref_le_at, l.ref_lt_at, l.cur_le, l.x_count, l.cur_n,
    s.ref_n, s.ref_mean, s.ref_stddev,
    cast(l.cur_le - l.x_count as {{ double }}) * s.ref_n / l.cur_n as lo_pos,
    cast(l.cur_le as {{ double }}) * s.ref_n / l.cur_n as hi_pos
  from located_points as l
  inner join reference_stats as s
    on l.monitor_name = s.monitor_name and l.slice_id = s.slice_id and l.column_name = s.column_name
  where l.side = 1
),
clamped_positions as (
  -- where Q_ref crosses x inside the slice: F_ref(x), clamped into (lo, hi]
  select *,
    case when ref_le_at <= lo_pos then lo_pos when ref_le_at >= hi_pos then hi_pos else cast(ref_le_at as {{ double }}) end as mid_pos
  from current_positions
),
quantile_integrals as (
  select
    c.*,
    {{ model_monitor.integrated_quantile('c.mid_pos', 'r_mid') }} as rr_mid,
    {{ model_monitor.integrated_quantile('c.hi_pos', 'r_hi') }} as rr_hi
  from clamped_positions as c
  left join reference_numeric as r_mid
    on c.monitor_name = r_mid.monitor_name and c.slice_id = r_mid.slice_id and c.column_name = r_mid.column_name
    and r_mid.value_rank = cast(ceil(c.mid_pos) as {{ bigint }})
  left join reference_numeric as r_hi
    on c.monitor_name = r_hi.monitor_name and c.slice_id = r_hi.slice_id and c.column_name = r_hi.column_name
    and r_hi.value_rank = cast(ceil(c.hi_pos) as {{ bigint }})
),
chained_integrals as (
  -- a slice starts where the previous one ended: RR(lo) is the previous value's RR(hi)
  select *,
    coalesce(lag(rr_hi) over (partition by monitor_name, window_start, model_version, slice_id, column_name order by x), 0) as rr_lo
  from quantile_integrals
),
value_statistics as (
  select
    monitor_name, window_start, model_version, slice_id, column_name,
    max({{ model_monitor.ks_candidate('ref_le_at', 'ref_lt_at', 'ref_n', 'cur_le', 'cur_le - x_count', 'cur_n') }}) as ks_statistic,
    sum({{ model_monitor.wasserstein_term('(x - ref_mean)', 'lo_pos', 'mid_pos', 'hi_pos', 'rr_lo', 'rr_mid', 'rr_hi') }}) / max(ref_n) as wasserstein,
    max(ref_stddev) as ref_stddev
  from chained_integrals
  group by monitor_name, window_start, model_version, slice_id, column_name
)
select
  {{ model_monitor.window_key('monitor_name', "'current'", 'window_start') }} as window_key,
  monitor_name,
  'current' as window_kind,
  window_start,
  model_version,
  slice_id,
  column_name,
  ks_statistic,
  wasserstein,
  {{ model_monitor.divide('wasserstein', 'ref_stddev') }} as wasserstein_normed,
  {{ model_monitor.reference_version_expr(monitors, versions) }} as reference_version
from value_statistics
{%- endif %}
