{{ config(materialized=model_monitor.latest_labels_materialization(),
          incremental_strategy=model_monitor.latest_labels_strategy(), unique_key=['monitor_name', 'label_id'],
          pre_hook="{{ model_monitor.delete_replaced_labels() }}", on_schema_change='fail') }}
{#-
  The label that counts for each labelled prediction id of each monitor (the latest to arrive,
  then the largest value), ranked once per run for every model that reads labels (monitor_rows).
  label_text holds a categorical label as text, label_number a numerical one as double.
  Incremental runs keep a monitor's stored rows and rank again only the ids with a label that is
  new or could beat the stored one (latest_labels_plan, latest_labels); the new winner replaces
  the stored row.
-#}
{%- set monitors = model_monitor.get_monitors() -%}
{%- set kept = model_monitor.latest_labels_plan(monitors) -%}
{%- set labelled = [] -%}
{%- for monitor in monitors if monitor.labels is not none -%}{%- do labelled.append(monitor) -%}{%- endfor -%}
{%- for monitor in labelled %}
{% if not loop.first %}union all{% endif %}
{{ model_monitor.latest_labels(monitor, monitor.name in kept) }}
{%- else %}
{{ model_monitor.empty_relation([
    ('monitor_name', dbt.type_string()), ('label_id', dbt.type_string()), ('label_text', dbt.type_string()),
    ('label_number', model_monitor.type_double()), ('label_arrived_at', dbt.type_timestamp()),
    ('labels_version', dbt.type_string())]) }}
{%- endfor %}
