{{ config(materialized='incremental', incremental_strategy=model_monitor.window_incremental_strategy(),
          unique_key=model_monitor.incremental_unique_key('window_key'),
          partition_by=model_monitor.incremental_partition_by('window_key'), on_schema_change='fail') }}
-- depends_on: {{ ref('mm_reference_versions') }}
{#-
  Binned KS statistic and Wasserstein-1 distance per current window, model version, slice and
  numerical column of the monitors with drift_method binned, from the window state alone
  (monitor_value_cells against the reference's cells of the same slice, on monitor_value_grid).
  Each statistic is the midpoint of a guaranteed interval around the exact value, and its error
  bound the interval's half-width (binned_cell_bounds; docs/design.md, "Binned drift").
-#}
{%- set monitors = model_monitor.get_monitors() | selectattr('drift_method', 'equalto', 'binned') | list -%}
{%- set binned = [] -%}
{%- for monitor in monitors if monitor.columns | selectattr('kind', 'equalto', 'numerical') | list %}{% do binned.append(monitor) %}{% endfor %}
{%- set versions = model_monitor.current_reference_versions() -%}
{%- set cutoffs = model_monitor.window_cutoffs(binned, versions) -%}
{%- set double = model_monitor.type_double() -%}
{%- set text = dbt.type_string() -%}
{%- set lit = model_monitor.string_literal -%}
{%- set names -%}({% for monitor in binned %}{{ lit(monitor.name) }}{% if not loop.last %}, {% endif %}{% endfor %}){%- endset %}
{%- if not binned %}
{{ model_monitor.empty_relation([('window_key', text), ('monitor_name', text), ('window_kind', text),
    ('window_start', dbt.type_timestamp()), ('model_version', text), ('slice_id', text), ('column_name', text)]
    + model_monitor._drift_value_columns(error_bounds=true) + [('reference_version', text)] + model_monitor.key_fingerprint_columns('window_key')) }}
{%- else %}
with
current_cells as (
  select c.*,
    {{ model_monitor.slice_id('c.slice_key', 'c.slice_value') }} as slice_id,
    -- one integer per series for the running sums to partition on (rank: equal keys share it)
    rank() over (order by c.monitor_name, c.window_start, c.model_version, c.slice_key, c.slice_value, c.column_name) as series_id
  from {{ ref('monitor_value_cells') }} as c
  where c.window_kind = 'current' and c.cell_index > 0 and (
    {%- for monitor in binned %}
    {% if not loop.first %}or {% endif %}(c.monitor_name = {{ lit(monitor.name) }} and {{ model_monitor.window_filter_sql('c.window_start', cutoffs.get(monitor.name)) }})
    {%- endfor %}
  )
),
reference_cells as (
  select r.*,
    {{ model_monitor.join_key(['r.monitor_name', model_monitor.slice_id('r.slice_key', 'r.slice_value'), 'r.column_name', 'cast(r.cell_index as ' ~ text ~ ')']) }} as cell_key
  from {{ ref('monitor_value_cells') }} as r
  where r.window_kind = 'reference' and r.cell_index > 0 and r.monitor_name in {{ names }}
),
-- every join below is on one key column (join_key, or an integer): on several clauses
-- PostgreSQL multiplies their selectivities into a few rows and plans nested loops
reference_totals as (
  select {{ model_monitor.join_key(['monitor_name', model_monitor.slice_id('slice_key', 'slice_value'), 'column_name']) }} as series_key,
    sum(value_count) as ref_n
  from reference_cells
  group by monitor_name, slice_key, slice_value, column_name
),
current_series as (
  select series_id, monitor_name, window_start, model_version, slice_id, column_name,
    {{ model_monitor.join_key(['monitor_name', 'slice_id', 'column_name']) }} as series_key,
    {{ model_monitor.join_key(['monitor_name', 'column_name']) }} as grid_key,
    sum(value_count) as cur_n
  from current_cells
  group by series_id, monitor_name, window_start, model_version, slice_id, column_name
),
reference_stddevs as (
  -- the exact population standard deviation of the reference slice, as exact mode normalizes by
  select {{ model_monitor.join_key(['monitor_name', 'slice_id', 'column_name']) }} as series_key, value_stddev as ref_stddev
  from {{ ref('mm_reference_numeric') }}
  where value_rank = 1 and monitor_name in {{ names }}
),
grid_cells as (
  select {{ model_monitor.join_key(['monitor_name', 'column_name']) }} as grid_key, cell_index, lower_edge, upper_edge
  from {{ ref('monitor_value_grid') }}
  where monitor_name in {{ names }}
),
current_cell_counts as (
  -- series_id * 2048 + cell_index: one integer key (grid cells number at most 1000)
  select series_id * 2048 + cell_index as cell_id, value_count, edge_count, interior_min, interior_max, interior_sum
  from current_cells
),
grid_series as (
  -- every cell of the grid for every series on both sides: an empty cell still holds the gap
  -- between the two CDFs over its width
  select s.series_id, s.cur_n, t.ref_n, g.cell_index, g.lower_edge, g.upper_edge,
    cast(coalesce(c.value_count, 0) as {{ double }}) as cur_count,
    cast(coalesce(c.edge_count, 0) as {{ double }}) as cur_edge,
    c.interior_min as cur_min, c.interior_max as cur_max, coalesce(c.interior_sum, 0) as cur_inside_sum,
    cast(coalesce(r.value_count, 0) as {{ double }}) as ref_count,
    cast(coalesce(r.edge_count, 0) as {{ double }}) as ref_edge,
    r.interior_min as ref_min, r.interior_max as ref_max, coalesce(r.interior_sum, 0) as ref_inside_sum
  from current_series as s
  inner join reference_totals as t on s.series_key = t.series_key
  inner join grid_cells as g on s.grid_key = g.grid_key
  left join current_cell_counts as c on c.cell_id = s.series_id * 2048 + g.cell_index
  left join reference_cells as r
    on r.cell_key = {{ model_monitor.join_key(['s.monitor_name', 's.slice_id', 's.column_name', 'cast(g.cell_index as ' ~ text ~ ')']) }}
  where s.cur_n > 0 and t.ref_n > 0
),
running_counts as (
  select *,
    sum(cur_count) over (partition by series_id order by cell_index rows between unbounded preceding and current row) as cur_le,
    sum(ref_count) over (partition by series_id order by cell_index rows between unbounded preceding and current row) as ref_le
  from grid_series
),
cell_cdfs as (
  -- F(a), F(b-) and F(b) of each side at the cell (a, b]; the open outer cells end at the data
  select series_id, cell_index,
    cast(cur_n as {{ double }}) as cur_n, cast(ref_n as {{ double }}) as ref_n,
    (cur_le - cur_count) / cur_n as cur_a, (cur_le - cur_edge) / cur_n as cur_bm, cur_le / cur_n as cur_b,
    (ref_le - ref_count) / ref_n as ref_a, (ref_le - ref_edge) / ref_n as ref_bm, ref_le / ref_n as ref_b,
    cur_count - cur_edge as cur_inside, cur_inside_sum, ref_count - ref_edge as ref_inside, ref_inside_sum,
    cur_min, cur_max, ref_min, ref_max,
    case when lower_edge is null
      then least(coalesce(ref_min, cur_min, upper_edge), coalesce(cur_min, ref_min, upper_edge))
      else lower_edge end as lo,
    case when upper_edge is null
      then greatest(coalesce(ref_max, cur_max, lower_edge), coalesce(cur_max, ref_max, lower_edge))
      else upper_edge end as hi
  from running_counts
),
cell_pieces as (
  -- a side with no interior value is flat over the cell: pin its min and max at lo
  select *,
    least(r1, c1) as p1, least(greatest(r1, c1), least(r2, c2)) as p2,
    greatest(greatest(r1, c1), least(r2, c2)) as p3, greatest(r2, c2) as p4
  from (
    select *, coalesce(ref_min, lo) as r1, coalesce(ref_max, lo) as r2, coalesce(cur_min, lo) as c1, coalesce(cur_max, lo) as c2
    from cell_cdfs
  ) as pinned
),
cell_bounds as (
  select series_id,
    {{ model_monitor.binned_cell_bounds('ks_low') }} as ks_low,
    {{ model_monitor.binned_cell_bounds('ks_high') }} as ks_high,
    {{ model_monitor.binned_cell_bounds('w_low') }} as w_low,
    {{ model_monitor.binned_cell_bounds('w_high') }} as w_high
  from cell_pieces
),
series_bounds as (
  select series_id, max(ks_low) as ks_low, max(ks_high) as ks_high, sum(w_low) as w_low, sum(w_high) as w_high
  from cell_bounds
  group by series_id
)
select
  {{ model_monitor.window_key('s.monitor_name', "'current'", 's.window_start') }} as window_key,
  s.monitor_name,
  'current' as window_kind,
  s.window_start,
  s.model_version,
  s.slice_id,
  s.column_name,
  (b.ks_low + b.ks_high) / 2 as ks_statistic,
  greatest(b.ks_high - b.ks_low, 0) / 2 as ks_error_bound,
  (b.w_low + b.w_high) / 2 as wasserstein,
  greatest(b.w_high - b.w_low, 0) / 2 as wasserstein_error_bound,
  {{ model_monitor.divide('(b.w_low + b.w_high) / 2', 'd.ref_stddev') }} as wasserstein_normed,
  {{ model_monitor.divide('greatest(b.w_high - b.w_low, 0) / 2', 'd.ref_stddev') }} as wasserstein_normed_error_bound,
  {{ model_monitor.reference_version_expr(binned, versions, 's.monitor_name') }} as reference_version{{ model_monitor.key_fingerprint_column(model_monitor.window_key('s.monitor_name', "'current'", 's.window_start'), 'window_key') }}
from series_bounds as b
inner join current_series as s on b.series_id = s.series_id
left join reference_stddevs as d on s.series_key = d.series_key
{%- endif %}
