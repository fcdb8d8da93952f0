{{ config(materialized='incremental', unique_key='window_key', incremental_strategy=model_monitor.window_incremental_strategy(), on_schema_change='fail') }}
-- depends_on: {{ ref('mm_reference_versions') }}
{#-
  Drift of every monitored column per window, model version and slice against the reference of
  the same slice. Bin statistics come from monitor_distributions (value bins, NULL bucket
  excluded); KS and Wasserstein come from the raw finite values, exactly.
-#}
{%- set monitors = model_monitor.get_monitors() -%}
{%- set versions = model_monitor.current_reference_versions() -%}
{%- set cutoffs = model_monitor.window_cutoffs(monitors, versions) -%}
{%- set epsilon = model_monitor.get_epsilon() -%}
{%- set double = model_monitor.type_double() -%}
{%- set lit = model_monitor.string_literal -%}
{%- set numeric_monitors = [] -%}
{%- for monitor in monitors if monitor.columns | selectattr('kind', 'equalto', 'numerical') | list %}{% do numeric_monitors.append(monitor) %}{% endfor %}
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
paired_bins as (
  select
    c.monitor_name, c.window_start, c.window_end, c.model_version, c.slice_key, c.slice_value,
    c.column_name, c.column_role, c.column_kind, c.bin_index,
    cast(coalesce(r.bin_count, 0) as {{ double }}) as ref_count,
    cast(c.bin_count as {{ double }}) as cur_count
  from current_bins as c
  left join reference_bins as r
    on c.monitor_name = r.monitor_name
    and {{ model_monitor.same_value('c.slice_key', 'r.slice_key') }}
    and {{ model_monitor.same_value('c.slice_value', 'r.slice_value') }}
    and c.column_name = r.column_name
    and c.bin_index = r.bin_index
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
    on b.monitor_name = t.monitor_name
    and b.window_start = t.window_start
    and {{ model_monitor.same_value('b.model_version', 't.model_version') }}
    and {{ model_monitor.same_value('b.slice_key', 't.slice_key') }}
    and {{ model_monitor.same_value('b.slice_value', 't.slice_value') }}
    and b.column_name = t.column_name
),
bin_statistics as {{ model_monitor.materialized_cte() }} (
  select
    monitor_name, window_start, window_end, model_version, slice_key, slice_value,
    {{ model_monitor.slice_id('slice_key', 'slice_value') }} as slice_id,
    column_name, column_role, column_kind,
    max(ref_total) as reference_count,
    max(cur_total) as current_count,
    count(*) as bin_count,
    sum({{ model_monitor.psi_term('p', 'q', epsilon) }}) as psi,
    sum({{ model_monitor.chi_square_term('ref_count', 'cur_count', 'ref_total', 'cur_total') }}) as chi_square,
    sum(case when ref_count + cur_count > 0 then 1 else 0 end) - 1 as chi_square_dof,
    sum({{ model_monitor.js_divergence_term('p', 'q') }}) as js_divergence,
    sum({{ model_monitor.hellinger_term('p', 'q') }}) as hellinger_sum,
    sum(abs(p - q)) as l1_distance,
    max(abs(p - q)) as l_infinity
  from bin_shares
  group by monitor_name, window_start, window_end, model_version, slice_key, slice_value, column_name, column_role, column_kind
),
{%- for monitor in numeric_monitors %}
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
    {%- if not numeric_monitors %}
    select cast(null as {{ dbt.type_string() }}) as monitor_name, cast(null as {{ dbt.type_timestamp() }}) as window_start,
      cast(null as {{ dbt.type_string() }}) as model_version, cast(null as {{ dbt.type_string() }}) as slice_id,
      cast(null as {{ dbt.type_string() }}) as column_name, cast(null as {{ double }}) as num_value
    where 1 = 0
    {%- endif %}
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
-- one sorted stream per monitor, slice and column: the reference's distinct values (side 0) and
-- every window's distinct values (side 1); running maxima of ref_le locate each current value
merged_points as (
  select monitor_name, slice_id, column_name, x, 0 as side, ref_le,
    cast(null as {{ dbt.type_timestamp() }}) as window_start, cast(null as {{ dbt.type_string() }}) as model_version,
    cast(null as {{ dbt.type_bigint() }}) as x_count, cast(null as {{ dbt.type_bigint() }}) as cur_le, cast(null as {{ dbt.type_bigint() }}) as cur_n
  from reference_points
  union all
  select monitor_name, slice_id, column_name, x, 1, cast(null as {{ dbt.type_bigint() }}),
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
  -- the current value's slice of p, (lo, hi], and the reference's crossing point, in reference ranks
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
  select *,
    case when ref_le_at <= lo_pos then lo_pos when ref_le_at >= hi_pos then hi_pos else cast(ref_le_at as {{ double }}) end as mid_pos
  from current_positions
),
quantile_integrals as (
  select
    c.*,
    {{ model_monitor.integrated_quantile('c.lo_pos', 'r_lo') }} as rr_lo,
    {{ model_monitor.integrated_quantile('c.mid_pos', 'r_mid') }} as rr_mid,
    {{ model_monitor.integrated_quantile('c.hi_pos', 'r_hi') }} as rr_hi
  from clamped_positions as c
  left join reference_numeric as r_lo
    on c.monitor_name = r_lo.monitor_name and c.slice_id = r_lo.slice_id and c.column_name = r_lo.column_name
    and r_lo.value_rank = cast(ceil(c.lo_pos) as {{ dbt.type_bigint() }})
  left join reference_numeric as r_mid
    on c.monitor_name = r_mid.monitor_name and c.slice_id = r_mid.slice_id and c.column_name = r_mid.column_name
    and r_mid.value_rank = cast(ceil(c.mid_pos) as {{ dbt.type_bigint() }})
  left join reference_numeric as r_hi
    on c.monitor_name = r_hi.monitor_name and c.slice_id = r_hi.slice_id and c.column_name = r_hi.column_name
    and r_hi.value_rank = cast(ceil(c.hi_pos) as {{ dbt.type_bigint() }})
),
value_statistics as {{ model_monitor.materialized_cte() }} (
  select
    monitor_name, window_start, model_version, slice_id, column_name,
    max({{ model_monitor.ks_candidate('ref_le_at', 'ref_lt_at', 'ref_n', 'cur_le', 'cur_le - x_count', 'cur_n') }}) as ks_statistic,
    sum({{ model_monitor.wasserstein_term('(x - ref_mean)', 'lo_pos', 'mid_pos', 'hi_pos', 'rr_lo', 'rr_mid', 'rr_hi') }}) / max(ref_n) as wasserstein,
    max(ref_stddev) as ref_stddev
  from quantile_integrals
  group by monitor_name, window_start, model_version, slice_id, column_name
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
  case when {{ model_monitor.has_both_sides('b') }} then b.psi end as psi,
  case when {{ model_monitor.has_both_sides('b') }} then b.chi_square end as chi_square,
  case when {{ model_monitor.has_both_sides('b') }} then cast(b.chi_square_dof as {{ dbt.type_int() }}) end as chi_square_dof,
  case when {{ model_monitor.has_both_sides('b') }} then sqrt(greatest(b.js_divergence, 0)) end as js_distance,
  case when {{ model_monitor.has_both_sides('b') }} then sqrt(0.5 * b.hellinger_sum) end as hellinger,
  case when {{ model_monitor.has_both_sides('b') }} then 0.5 * b.l1_distance end as tv_distance,
  case when {{ model_monitor.has_both_sides('b') }} then b.l_infinity end as l_infinity,
  v.ks_statistic,
  v.wasserstein,
  {{ model_monitor.divide('v.wasserstein', 'v.ref_stddev') }} as wasserstein_normed,
  {{ model_monitor.reference_version_expr(monitors, versions, 'b.monitor_name') }} as reference_version
from bin_statistics as b
left join value_statistics as v
  on b.monitor_name = v.monitor_name
  and b.window_start = v.window_start
  and {{ model_monitor.same_value('b.model_version', 'v.model_version') }}
  and b.slice_id = v.slice_id
  and b.column_name = v.column_name
