{{ config(materialized='incremental', incremental_strategy=model_monitor.window_incremental_strategy(),
          unique_key=model_monitor.incremental_unique_key('window_key'),
          partition_by=model_monitor.incremental_partition_by('window_key'), on_schema_change='fail') }}
-- depends_on: {{ ref('mm_reference_versions') }}
{#-
  Counts and shares per window (the reference's own included), model version, slice, column and
  bin: every bin of monitor_reference_bins, zero counts too, so reference-versus-current
  histograms can be drawn straight from it. NaN and infinities fall in no bin but count as rows.
  Monitors with drift_method binned whose grid_cells is a multiple of bins sum their
  numerical columns' bins from monitor_value_cells (distribution_counts_from_cells).
-#}
{%- set monitors = model_monitor.get_monitors() -%}
{%- set versions = model_monitor.current_reference_versions() -%}
{%- set cutoffs = model_monitor.window_cutoffs(monitors, versions) -%}
{%- set with_reference = model_monitor.reference_monitors_to_build(monitors, versions, "window_kind = 'reference'") | map(attribute='name') | list -%}
{%- set double = model_monitor.type_double() -%}
{%- set text = dbt.type_string() %}
{#- With a grid that refines the bins, numerical columns are summed from the window state, not scanned. -#}
{%- set from_cells = [] -%}
{%- for monitor in monitors if monitor.drift_method == 'binned' and monitor.grid_cells % monitor.bins == 0 and monitor.columns | selectattr('kind', 'equalto', 'numerical') | list %}{% do from_cells.append(monitor.name) %}{% endfor -%}
{%- set scanned = {} -%}
{%- for monitor in monitors -%}
  {%- do scanned.update({monitor.name: model_monitor.monitor_with_columns(monitor, 'categorical') if monitor.name in from_cells else monitor}) -%}
{%- endfor %}
-- depends_on: {{ ref('monitor_value_cells') }}
-- depends_on: {{ ref('monitor_value_grid') }}
with
{% for monitor in monitors if scanned[monitor.name].columns %}
rows_{{ loop.index }} as (
  {{ model_monitor.monitor_rows(scanned[monitor.name], 'current', cutoffs.get(monitor.name)) }}
  {%- if monitor.name in with_reference %}
  union all
  {{ model_monitor.monitor_rows(scanned[monitor.name], 'reference') }}
  {%- endif %}
),
{%- endfor %}
bins as (
  select * from {{ ref('monitor_reference_bins') }}
),
value_counts as (
  {%- set parts = [] -%}
  {%- for monitor in monitors if scanned[monitor.name].columns -%}
    {%- do parts.append(model_monitor.distribution_bin_counts(scanned[monitor.name], 'rows_' ~ loop.index, 'bins')) -%}
  {%- endfor -%}
  {%- for monitor in monitors if monitor.name in from_cells -%}
    {%- do parts.append(model_monitor.distribution_counts_from_cells(monitor, cutoffs.get(monitor.name), monitor.name in with_reference)) -%}
  {%- endfor %}
  {{ parts | join('\n  union all\n') }}
),
window_columns as (
  select
    monitor_name, window_kind, window_start, window_end, model_version,
    slice_index, slice_key, slice_value, column_name,
    sum(bin_count) as window_row_count,
    sum(case when bin_index > 0 then bin_count else 0 end) as window_value_count
  from value_counts
  group by monitor_name, window_kind, window_start, window_end, model_version, slice_index, slice_key, slice_value, column_name
),
bin_counts as (
  -- bin_key: the window, version, slice, column and bin as one join key (see join_key)
  select
    {{ model_monitor.join_key(['monitor_name', 'window_kind', 'cast(window_start as ' ~ text ~ ')', 'model_version',
        model_monitor.slice_id('slice_key', 'slice_value'), 'column_name', 'cast(bin_index as ' ~ text ~ ')']) }} as bin_key,
    bin_count
  from value_counts
  where bin_index is not null
)
select
  {{ model_monitor.window_key('w.monitor_name', 'w.window_kind', 'w.window_start') }} as window_key,
  w.monitor_name,
  w.window_kind,
  w.window_start,
  w.window_end,
  w.model_version,
  w.slice_key,
  w.slice_value,
  w.column_name,
  b.column_role,
  b.column_kind,
  b.bin_index,
  b.bin_type,
  b.bin_label,
  b.lower_bound,
  b.upper_bound,
  b.category,
  coalesce(c.bin_count, 0) as bin_count,
  {{ model_monitor.divide('coalesce(c.bin_count, 0)', 'w.window_row_count') }} as bin_share,
  case when b.bin_index = 0 then null else {{ model_monitor.divide('coalesce(c.bin_count, 0)', 'w.window_value_count') }} end as value_share,
  b.reference_version{{ model_monitor.key_fingerprint_column(model_monitor.window_key('w.monitor_name', 'w.window_kind', 'w.window_start'), 'window_key') }}
from window_columns as w
inner join bins as b
  on w.monitor_name = b.monitor_name and w.column_name = b.column_name
left join bin_counts as c
  on c.bin_key = {{ model_monitor.join_key(['w.monitor_name', 'w.window_kind', 'cast(w.window_start as ' ~ text ~ ')', 'w.model_version',
      model_monitor.slice_id('w.slice_key', 'w.slice_value'), 'w.column_name', 'cast(b.bin_index as ' ~ text ~ ')']) }}
