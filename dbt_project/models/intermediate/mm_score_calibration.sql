{{ config(materialized='incremental', incremental_strategy=model_monitor.window_incremental_strategy(),
          unique_key=model_monitor.incremental_unique_key('monitor_name'),
          partition_by=model_monitor.incremental_partition_by('monitor_name'), on_schema_change='fail') }}
-- depends_on: {{ ref('mm_reference_versions') }}
{#-
  CBPE's calibration by histogram binning, per binary monitor with a score and reference labels:
  for each score bin of monitor_reference_bins, the reference's positive rate among labeled rows
  (calibrated_probability), or the bin's mean reference score when no labeled row falls in it.
  Rebuilt per monitor only when its reference_version changes.
-#}
{%- set monitors = model_monitor.get_monitors() -%}
{%- set versions = model_monitor.current_reference_versions() -%}
{%- set eligible = [] -%}
{%- for monitor in model_monitor.reference_monitors_to_build(monitors, versions) -%}
  {%- if monitor.task == 'binary' and monitor.score_column is not none and model_monitor.reference_has_labels(monitor) -%}
    {%- do eligible.append(monitor) -%}
  {%- endif -%}
{%- endfor -%}
{%- set lit = model_monitor.string_literal -%}
{%- set double = model_monitor.type_double() %}
{%- if not eligible %}
{{ model_monitor.empty_relation([('monitor_name', dbt.type_string()), ('reference_version', dbt.type_string()),
    ('bin_index', dbt.type_int()), ('lower_bound', double), ('upper_bound', double),
    ('reference_count', dbt.type_bigint()), ('labeled_count', dbt.type_bigint()),
    ('positive_rate', double), ('mean_score', double), ('calibrated_probability', double)] + model_monitor.key_fingerprint_columns('monitor_name')) }}
{%- else %}
with
reference_outcomes as (
  {%- for monitor in eligible %}
  {% if not loop.first %}union all {% endif %}
  select monitor_name, score, label_class
  from ({{ model_monitor.outcome_rows(monitor, 'reference') }}) as o
  where slice_index = 0 and {{ model_monitor.is_finite('score') }}
  {%- endfor %}
),
score_bins as (
  select b.monitor_name, b.bin_index, b.lower_bound, b.upper_bound
  from {{ ref('monitor_reference_bins') }} as b
  where b.bin_type = 'range' and b.column_role = 'score'
    and b.monitor_name in ({% for monitor in eligible %}{{ lit(monitor.name) }}{% if not loop.last %}, {% endif %}{% endfor %})
),
binned as (
  select b.monitor_name, b.bin_index, b.lower_bound, b.upper_bound,
    count(o.score) as reference_count,
    sum(case when o.label_class is not null then 1 else 0 end) as labeled_count,
    avg(case when o.label_class = '1' then cast(1 as {{ model_monitor.type_double() }}) when o.label_class = '0' then cast(0 as {{ model_monitor.type_double() }}) end) as positive_rate,
    avg(o.score) as mean_score
  from score_bins as b
  left join reference_outcomes as o
    on o.monitor_name = b.monitor_name
    and (b.lower_bound is null or o.score > b.lower_bound)
    and (b.upper_bound is null or o.score <= b.upper_bound)
  group by b.monitor_name, b.bin_index, b.lower_bound, b.upper_bound
)
select
  monitor_name,
  {{ model_monitor.reference_version_expr(eligible, versions) }} as reference_version,
  cast(bin_index as {{ dbt.type_int() }}) as bin_index,
  lower_bound,
  upper_bound,
  cast(reference_count as {{ dbt.type_bigint() }}) as reference_count,
  cast(labeled_count as {{ dbt.type_bigint() }}) as labeled_count,
  cast(positive_rate as {{ double }}) as positive_rate,
  cast(mean_score as {{ double }}) as mean_score,
  cast(coalesce(positive_rate, mean_score) as {{ double }}) as calibrated_probability{{ model_monitor.key_fingerprint_column('monitor_name', 'monitor_name') }}
from binned
{%- endif %}
