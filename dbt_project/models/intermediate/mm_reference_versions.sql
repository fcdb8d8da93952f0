{{ config(materialized='table') }}
{#-
  One row per monitor: the fingerprint of its reference (reference_version). It changes when the
  binning configuration, reference.version, the reference's row count, or the min/max or non-null
  count of any monitored column change; the reference-derived tables are rebuilt only then.
-#}
{%- set monitors = model_monitor.get_monitors() -%}
{%- set lit = model_monitor.string_literal -%}
{%- call(monitor) model_monitor.union_monitors(monitors) %}
select
  {{ lit(monitor.name) }} as monitor_name,
  {%- set parts = [lit(monitor.settings_fingerprint), "cast(count(*) as " ~ dbt.type_string() ~ ")"] -%}
  {%- for column in monitor.columns -%}
    {%- do parts.append("'|'") -%}
    {%- do parts.append("cast(count(v_" ~ column.index ~ ") as " ~ dbt.type_string() ~ ")") -%}
    {%- if column.kind == 'numerical' -%}
      {%- do parts.append("coalesce(cast(min(v_" ~ column.index ~ ") as " ~ dbt.type_string() ~ "), '')") -%}
      {%- do parts.append("coalesce(cast(max(v_" ~ column.index ~ ") as " ~ dbt.type_string() ~ "), '')") -%}
    {%- endif -%}
  {%- endfor %}
  {{ dbt.hash(dbt.concat(parts)) }} as reference_version,
  count(*) as reference_row_count
from ({{ model_monitor.monitor_rows(monitor, 'reference') }}) as reference_rows
{%- endcall %}
