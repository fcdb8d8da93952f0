{{ config(materialized='table') }}
{#-
  The label that counts for each labelled prediction id of each monitor (the latest to arrive,
  then the largest value), ranked once per run for every model that reads labels (monitor_rows).
  label_text holds a categorical label as text, label_number a numerical one as double.
  A table, rebuilt every run: an incremental version that re-ranked only the ids with a new or
  better label cost more than ranking everything (1.67 s against 0.73 s on the 1M benchmark's
  daily run), because finding those ids is itself a join of every label against the stored rows.
-#}
{%- set monitors = model_monitor.get_monitors() -%}
{%- set labelled = [] -%}
{%- for monitor in monitors if monitor.labels is not none -%}{%- do labelled.append(monitor) -%}{%- endfor -%}
{%- call(monitor) model_monitor.union_monitors(labelled, empty_columns=[
    ('monitor_name', dbt.type_string()), ('label_id', dbt.type_string()), ('label_text', dbt.type_string()),
    ('label_number', model_monitor.type_double()), ('label_arrived_at', dbt.type_timestamp())]) %}
{{ model_monitor.latest_labels(monitor) }}
{%- endcall %}
