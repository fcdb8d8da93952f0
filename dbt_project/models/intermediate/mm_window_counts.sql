{{ config(materialized='table') }}
{#-
  Predictions per monitor and current window now (rows with a timestamp). Built first in a run:
  window_cutoffs and outcome_window_plans compare it with mm_window_state (the same counts at the
  last run) to find windows whose rows changed since (a late day, late or deleted rows). One
  aggregate over each predictions table's timestamp column.
-#}
{%- set q = model_monitor.quote_name -%}
{%- call(monitor) model_monitor.union_monitors(model_monitor.get_monitors()) %}
select {{ model_monitor.string_literal(monitor.name) }} as monitor_name, window_start, cast(count(*) as {{ dbt.type_bigint() }}) as row_count
from (
  select {{ model_monitor.prediction_window_start(monitor, 'p') }} as window_start
  from {{ monitor.predictions }} as p
  where p.{{ q(monitor.timestamp_column) }} is not null
) as windows
group by window_start
{%- endcall %}
