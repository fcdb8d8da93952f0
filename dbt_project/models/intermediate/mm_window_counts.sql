{{ config(materialized='table') }}
{#-
  Predictions per monitor and current window now (rows with a timestamp). Built first in a run:
  window_cutoffs and outcome_window_plans compare it with mm_window_state (the same counts at the
  last run) to find windows whose rows changed since (a late day, late or deleted rows). One
  aggregate over each predictions table's timestamp column.
-#}
{%- set monitors = model_monitor.get_monitors() -%}
{%- set q = model_monitor.quote_name -%}
{%- set lit = model_monitor.string_literal -%}
{%- for monitor in monitors %}
{% if not loop.first %}union all{% endif %}
select {{ lit(monitor.name) }} as monitor_name, window_start, cast(count(*) as {{ dbt.type_bigint() }}) as row_count
from (
  select {{ model_monitor.window_start(monitor.grain, 'p.' ~ q(monitor.timestamp_column)) }} as window_start
  from {{ monitor.predictions }} as p
  where p.{{ q(monitor.timestamp_column) }} is not null
) as windows
group by window_start
{%- endfor %}
