{{ config(materialized='incremental', incremental_strategy=model_monitor.window_incremental_strategy(),
          unique_key=model_monitor.incremental_unique_key('monitor_name'),
          partition_by=model_monitor.incremental_partition_by('monitor_name'), on_schema_change='fail') }}
-- depends_on: {{ ref('mm_reference_versions') }}
{#-
  Every non-null category of every categorical column in the whole reference, with its count:
  the source of the top-k bins and of unseen-category counts. Rebuilt per monitor only when its
  reference_version changes.
-#}
{%- set monitors = model_monitor.get_monitors() -%}
{%- set versions = model_monitor.current_reference_versions() -%}
{%- set built = [] -%}
{%- for monitor in model_monitor.reference_monitors_to_build(monitors, versions) if monitor.columns | selectattr('kind', 'equalto', 'categorical') | list %}{% do built.append(monitor) %}{% endfor %}
{%- if not built %}
{{ model_monitor.empty_relation([('monitor_name', dbt.type_string()), ('reference_version', dbt.type_string()),
    ('column_name', dbt.type_string()), ('category', dbt.type_string()), ('category_count', dbt.type_bigint())] + model_monitor.key_fingerprint_columns('monitor_name')) }}
{%- else %}
with
{% for monitor in built %}
reference_rows_{{ loop.index }} as (
  {{ model_monitor.monitor_rows(monitor, 'reference') }}
),
{%- endfor %}
category_values as (
  {%- for monitor in built %}
  {% if not loop.first %}union all {% endif %}
  select monitor_name, column_name, cat_value as category
  from ({{ model_monitor.monitor_values(monitor, 'reference_rows_' ~ loop.index) }}) as v
  where column_kind = 'categorical' and slice_index = 0 and cat_value is not null
  {%- endfor %}
)
select
  monitor_name,
  {{ model_monitor.reference_version_expr(built, versions) }} as reference_version,
  column_name,
  category,
  count(*) as category_count{{ model_monitor.key_fingerprint_column('monitor_name', 'monitor_name') }}
from category_values
group by monitor_name, column_name, category
{%- endif %}
