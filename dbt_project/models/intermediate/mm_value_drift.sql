{{ config(materialized='incremental', incremental_strategy=model_monitor.window_incremental_strategy(),
          unique_key=model_monitor.incremental_unique_key('window_key'),
          partition_by=model_monitor.incremental_partition_by('window_key'), on_schema_change='fail') }}
-- depends_on: {{ ref('mm_reference_versions') }}
{#-
  Exact two-sample KS statistic and Wasserstein-1 distance per current window, model version,
  slice and numerical column, against the reference's finite values of the same slice.
  Per monitor: the windows' distinct values with their counts (keyed on mm_reference_numeric's
  integer series_id, names joined back only at the end), one running sum per window for the
  current CDF, each point located among the stored reference points (locate_in_reference), and
  the quantile integrals as equi-joins on reference ranks (see macros/stats/wasserstein_term.sql).
  The points carry one bigint group_id (series, window and model version) instead of the three
  keys: the running sums and the location materialize every point, and narrower rows spill less.
  The reference is never copied per window nor re-ranked here.
-#}
{%- set monitors = model_monitor.get_monitors() -%}
{%- set versions = model_monitor.current_reference_versions() -%}
{%- set cutoffs = model_monitor.window_cutoffs(monitors, versions) -%}
{%- set double = model_monitor.type_double() -%}
{%- set bigint = dbt.type_bigint() -%}
{%- set text = dbt.type_string() -%}
{%- set numeric_monitors = [] -%}
{#- monitors with drift_method binned take KS and Wasserstein from mm_binned_drift instead -#}
{%- for monitor in monitors if monitor.drift_method == 'exact' and monitor.columns | selectattr('kind', 'equalto', 'numerical') | list %}{% do numeric_monitors.append(monitor) %}{% endfor %}
{%- if not numeric_monitors %}
{{ model_monitor.empty_relation([('window_key', text), ('monitor_name', text), ('window_kind', text),
    ('window_start', dbt.type_timestamp()), ('model_version', text), ('slice_id', text), ('column_name', text)]
    + model_monitor._drift_value_columns() + [('reference_version', text)] + model_monitor.key_fingerprint_columns('window_key')) }}
{%- else %}
{%- set reference = ref('mm_reference_numeric') %}
{%- set rank_key_base = 4294967296 %}
{%- set group_key_base = 2147483648 %}
{%- set current_columns = [('series_id', bigint), ('group_id', bigint),
                           ('x', double), ('x_count', bigint), ('cur_le', double), ('cur_n', double)] %}
with
{% for monitor in numeric_monitors %}
{%- set i = loop.index %}
{%- set name = model_monitor.string_literal(monitor.name) %}
rows_{{ i }} as (
  -- window_group numbers the (window, model version) pairs here, so that no join on them (a
  -- null-safe one for model_version) is needed below
  select r.*, dense_rank() over (order by r.window_start, r.model_version) as window_group
  from ({{ model_monitor.monitor_rows(model_monitor.monitor_with_columns(monitor, 'numerical'), 'current', cutoffs.get(monitor.name)) }}) as r
),
windows_{{ i }} as (
  -- group_id = window_group * 2^31 + series_id: unique while series stay below 2^31 and
  -- (window, model version) pairs below 2^32, far beyond any monitor
  select distinct window_start, model_version, window_group from rows_{{ i }}
),
series_{{ i }} as (
  -- series_key: column index and slice_id as one non-null text, the only join key of the
  -- current points; PostgreSQL multiplies the selectivities of several (null-safe) key
  -- clauses into an estimate of a few rows and then plans nested loops over millions
  select *, {{ dbt.concat(['cast(column_index as ' ~ text ~ ')', "'|'", 'slice_id']) }} as series_key
  from (
    select series_id, slice_index, slice_value, slice_id, column_name,
      case column_name{% for column in monitor.columns if column.kind == 'numerical' %} when {{ model_monitor.string_literal(column.name) }} then {{ column.index }}{% endfor %} end as column_index,
      value_count as ref_n, value_mean as ref_mean, value_stddev as ref_stddev
    from {{ reference }}
    where monitor_name = {{ name }} and value_rank = 1
  ) as s
),
reference_ranks_{{ i }} as (
  -- one bigint join key (series, rank) hashes faster than the pair; ranks stay below 2^32
  select series_id * {{ rank_key_base }} + value_rank as rank_key, value_rank, value, value_mean, centered_prefix_sum
  from {{ reference }}
  where monitor_name = {{ name }}
),
reference_points_{{ i }} as (
  -- one row per distinct reference value: the last of its ties
  select series_id, value, le_count, lt_count, value_mean, centered_prefix_sum
  from {{ reference }}
  where monitor_name = {{ name }} and value_rank = le_count
),
current_points_{{ i }} as (
  -- distinct finite current values with their multiplicity, in series the reference has
  -- (grouped on integer indexes: narrower hash keys than the names)
  select s.series_id, p.window_group * {{ group_key_base }} + s.series_id as group_id, p.x, p.x_count
  from (
    select window_group,
      {{ dbt.concat(['cast(column_index as ' ~ text ~ ')', "'|'", model_monitor.slice_id('slice_key', 'slice_value')]) }} as series_key,
      x, x_count
    from (
      select window_group, slice_index, slice_key, slice_value, column_index, num_value as x, count(*) as x_count
      from ({{ model_monitor.monitor_values(model_monitor.monitor_with_columns(monitor, 'numerical'), 'rows_' ~ i, ['window_group']) }}) as v
      where column_kind = 'numerical' and {{ model_monitor.is_finite('num_value') }}
      group by window_group, slice_index, slice_key, slice_value, column_index, num_value
    ) as g
  ) as p
  inner join series_{{ i }} as s on s.series_key = p.series_key
),
current_cdf_{{ i }} as (
  -- summed as doubles (exact for counts below 2^53): a bigint sum is a 128-bit or decimal one on
  -- DuckDB and PostgreSQL, twice as slow in this window
  select *,
    sum(cast(x_count as {{ double }})) over (partition by group_id order by x rows between unbounded preceding and current row) as cur_le,
    sum(cast(x_count as {{ double }})) over (partition by group_id) as cur_n
  from current_points_{{ i }}
),
located_points_{{ i }} as (
  {{ model_monitor.locate_in_reference('current_cdf_' ~ i, current_columns, 'reference_points_' ~ i) }}
),
current_positions_{{ i }} as (
  -- the current value's slice of p, (lo, hi], in reference ranks (p * n_ref), and where Q_ref
  -- crosses x inside it: F_ref(x), clamped into (lo, hi]
  select l.*, s.ref_n, s.ref_mean,
    cast(l.cur_le - l.x_count as {{ double }}) * s.ref_n / l.cur_n as lo_pos,
    cast(l.cur_le as {{ double }}) * s.ref_n / l.cur_n as hi_pos
  from located_points_{{ i }} as l
  inner join series_{{ i }} as s on l.series_id = s.series_id
),
quantile_integrals_{{ i }} as (
  -- RR(lo) is the previous value's RR(hi) (lo_pos is its hi_pos exactly), joined rather than
  -- carried by a sorted lag; RR at an unclamped F_ref(x) comes with the located reference point
  select c.*,
    case when c.ref_le_at <= c.lo_pos then c.lo_pos when c.ref_le_at >= c.hi_pos then c.hi_pos else cast(c.ref_le_at as {{ double }}) end as mid_pos,
    {{ model_monitor.integrated_quantile('c.lo_pos', 'r_lo') }} as rr_lo,
    {{ model_monitor.integrated_quantile('c.hi_pos', 'r_hi') }} as rr_hi
  from current_positions_{{ i }} as c
  left join reference_ranks_{{ i }} as r_lo
    on r_lo.rank_key = c.series_id * {{ rank_key_base }} + cast(ceil(c.lo_pos) as {{ bigint }})
  left join reference_ranks_{{ i }} as r_hi
    on r_hi.rank_key = c.series_id * {{ rank_key_base }} + cast(ceil(c.hi_pos) as {{ bigint }})
),
series_statistics_{{ i }} as (
  select
    series_id, group_id,
    max({{ model_monitor.ks_candidate('ref_le_at', 'ref_lt_at', 'ref_n', 'cur_le', 'cur_le - x_count', 'cur_n') }}) as ks_statistic,
    sum({{ model_monitor.wasserstein_term('(x - ref_mean)', 'lo_pos', 'mid_pos', 'hi_pos', 'rr_lo',
          'case when ref_le_at <= lo_pos then rr_lo when ref_le_at >= hi_pos then rr_hi else rr_at_le end', 'rr_hi') }}) / max(ref_n) as wasserstein
  from quantile_integrals_{{ i }}
  group by series_id, group_id
),
{%- endfor %}
value_statistics as (
  {%- for monitor in numeric_monitors %}
  {% if not loop.first %}union all {% endif %}select
    {{ model_monitor.string_literal(monitor.name) }} as monitor_name, w.window_start, w.model_version,
    s.slice_id, s.column_name, v.ks_statistic, v.wasserstein, s.ref_stddev
  from series_statistics_{{ loop.index }} as v
  inner join series_{{ loop.index }} as s on v.series_id = s.series_id
  inner join windows_{{ loop.index }} as w on v.group_id = w.window_group * {{ group_key_base }} + s.series_id
  {%- endfor %}
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
  {{ model_monitor.reference_version_expr(monitors, versions) }} as reference_version{{ model_monitor.key_fingerprint_column(model_monitor.window_key('monitor_name', "'current'", 'window_start'), 'window_key') }}
from value_statistics
{%- endif %}
