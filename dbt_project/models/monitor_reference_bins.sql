{{ config(materialized='incremental', incremental_strategy=model_monitor.window_incremental_strategy(),
          unique_key=model_monitor.incremental_unique_key('monitor_name'),
          partition_by=model_monitor.incremental_partition_by('monitor_name'), on_schema_change='fail') }}
-- depends_on: {{ ref('mm_reference_versions') }}
{#-
  The bins every distribution and drift statistic is counted in, per monitor and column, from the
  whole reference. Numerical: right-closed bins between the distinct inverted-CDF quantiles
  e_i = r_(ceil(i * n / bins)), i = 1..bins-1, open-ended at both ends. Categorical: the top_k
  categories (count desc, then value), plus one `other` bin. Bin 0 holds NULLs.
  Rebuilt per monitor only when its reference_version changes.
-#}
{%- set monitors = model_monitor.get_monitors() -%}
{%- set versions = model_monitor.current_reference_versions() -%}
{%- set built = model_monitor.reference_monitors_to_build(monitors, versions) -%}
{%- set lit = model_monitor.string_literal -%}
{%- set double = model_monitor.type_double() -%}
{%- set text = dbt.type_string() %}
{%- if not built %}
{{ model_monitor.empty_relation([('monitor_name', text), ('reference_version', text), ('column_name', text),
    ('column_role', text), ('column_kind', text), ('bin_index', dbt.type_int()), ('bin_type', text),
    ('lower_bound', double), ('upper_bound', double), ('category', text), ('bin_label', text),
    ('reference_count', dbt.type_bigint()), ('reference_share', double)] + model_monitor.key_fingerprint_columns('monitor_name')) }}
{%- else %}
with 
monitored_columns as (
  {%- for monitor in built %}
  {% if not loop.first %}union all {% endif %}select {{ lit(monitor.name) }} as monitor_name, column_name, column_role, column_kind
  from ({{ model_monitor.column_list(monitor) }}) as c
  {%- endfor %}
),
{%- for monitor in built %}
reference_rows_{{ loop.index }} as (
  {{ model_monitor.monitor_rows(monitor, 'reference') }}
),
{%- endfor %}
null_counts as (
  {%- for monitor in built %}
  {%- set outer = loop %}
  {%- for column in monitor.columns %}
  {% if not (outer.first and loop.first) %}union all {% endif %}select {{ lit(monitor.name) }} as monitor_name, {{ lit(column.name) }} as column_name, count(*) - count(v_{{ column.index }}) as null_count from reference_rows_{{ outer.index }}
  {%- endfor %}
  {%- endfor %}
),
sorted_values as (
  select * from {{ ref('mm_reference_numeric') }}
  where slice_index = 0
    and monitor_name in ({% for monitor in built %}{{ lit(monitor.name) }}{% if not loop.last %}, {% endif %}{% endfor %})
),
column_value_counts as (
  select distinct monitor_name, column_name, value_count from sorted_values
),
-- the distinct inverted-CDF quantiles at i / bins
ordered_edges as (
  {{ model_monitor.quantile_edges(built, 'bins', 'sorted_values', 'column_value_counts', 4, with_counts=true) }}
),
range_bins as (
  -- bin k = (e_{k-1}, e_k]: values above the previous edge up to and including this one
  select monitor_name, column_name, edge_index as bin_index, previous_edge as lower_bound, edge as upper_bound,
    le_count - coalesce(previous_le_count, 0) as reference_count, value_count as value_total
  from ordered_edges
  union all
  -- the last bin (e_m, +inf)
  select monitor_name, column_name, edge_index + 1, edge, cast(null as {{ double }}), value_count - le_count, value_count
  from ordered_edges where edge_index = edge_count
  union all
  -- no finite reference value: one unbounded bin
  select c.monitor_name, c.column_name, 1, cast(null as {{ double }}), cast(null as {{ double }}), 0, 0
  from monitored_columns as c
  where c.column_kind = 'numerical'
    and not exists (select 1 from column_value_counts as v where v.monitor_name = c.monitor_name and v.column_name = c.column_name)
),
ranked_categories as (
  select r.monitor_name, r.column_name, r.category, r.category_count,
    row_number() over (partition by r.monitor_name, r.column_name order by r.category_count desc, {{ model_monitor.text_order('r.category') }}) as category_rank,
    sum(r.category_count) over (partition by r.monitor_name, r.column_name) as value_total
  from {{ ref('mm_reference_categories') }} as r
  where r.monitor_name in ({% for monitor in built %}{{ lit(monitor.name) }}{% if not loop.last %}, {% endif %}{% endfor %})
),
top_k as (
  select {% for monitor in built %}{% if loop.first %}case monitor_name {% endif %}when {{ lit(monitor.name) }} then {{ monitor.top_k }} {% if loop.last %}end{% endif %}{% endfor %} as top_k_limit, monitor_name
  from (select distinct monitor_name from monitored_columns) as m
),
category_bins as (
  select c.monitor_name, c.column_name, c.category_rank as bin_index, c.category, c.category_count as reference_count, c.value_total
  from ranked_categories as c
  inner join top_k as k on c.monitor_name = k.monitor_name
  where c.category_rank <= k.top_k_limit
),
other_bins as (
  select c.monitor_name, c.column_name,
    coalesce(max(b.bin_index), 0) + 1 as bin_index,
    coalesce(max(t.value_total), 0) - coalesce(sum(b.reference_count), 0) as reference_count,
    coalesce(max(t.value_total), 0) as value_total
  from monitored_columns as c
  left join category_bins as b on c.monitor_name = b.monitor_name and c.column_name = b.column_name
  left join (select distinct monitor_name, column_name, value_total from ranked_categories) as t
    on c.monitor_name = t.monitor_name and c.column_name = t.column_name
  where c.column_kind = 'categorical'
  group by c.monitor_name, c.column_name
),
all_bins as (
  select monitor_name, column_name, bin_index, 'range' as bin_type, lower_bound, upper_bound,
    cast(null as {{ text }}) as category, reference_count, value_total
  from range_bins
  union all
  select monitor_name, column_name, bin_index, 'category', cast(null as {{ double }}), cast(null as {{ double }}),
    category, reference_count, value_total
  from category_bins
  union all
  select monitor_name, column_name, bin_index, 'other', cast(null as {{ double }}), cast(null as {{ double }}),
    cast(null as {{ text }}), reference_count, value_total
  from other_bins
  union all
  select monitor_name, column_name, 0, 'null', cast(null as {{ double }}), cast(null as {{ double }}),
    cast(null as {{ text }}), null_count, cast(null as {{ dbt.type_bigint() }})
  from null_counts
)
select
  b.monitor_name,
  {{ model_monitor.reference_version_expr(built, versions, 'b.monitor_name') }} as reference_version,
  b.column_name,
  c.column_role,
  c.column_kind,
  cast(b.bin_index as {{ dbt.type_int() }}) as bin_index,
  b.bin_type,
  b.lower_bound,
  b.upper_bound,
  b.category,
  case b.bin_type
    when 'null' then '(null)'
    when 'other' then '(other)'
    when 'category' then b.category
    else {{ dbt.concat(["'('", "coalesce(" ~ model_monitor.number_text('b.lower_bound') ~ ", '-inf')", "', '",
                        "coalesce(" ~ model_monitor.number_text('b.upper_bound') ~ ", '+inf')",
                        "case when b.upper_bound is null then ')' else ']' end"]) }}
  end as bin_label,
  cast(b.reference_count as {{ dbt.type_bigint() }}) as reference_count,
  case when b.bin_type = 'null' then null else {{ model_monitor.divide('b.reference_count', 'b.value_total') }} end as reference_share{{ model_monitor.key_fingerprint_column('b.monitor_name', 'monitor_name') }}
from all_bins as b
inner join monitored_columns as c on b.monitor_name = c.monitor_name and b.column_name = c.column_name
{%- endif %}
