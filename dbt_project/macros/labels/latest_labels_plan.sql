{#-
  Which monitors an incremental run of mm_latest_labels keeps, as {monitor name: since}: `since`
  is the newest label timestamp stored for the monitor ('YYYY-MM-DD HH:MM:SS.ffffff'), and only
  ids with a label at or after it (or without a timestamp) are ranked again. Labels are taken to
  be appended in timestamp order, as for late labels. Every other monitor with labels is rebuilt
  from all its labels: on a full build, without labels.timestamp_column, when it was not stored
  or was stored from another labels configuration (labels_version).
-#}
{% macro latest_labels_plan(monitors) %}
  {%- set kept = {} -%}
  {%- if not execute or not is_incremental() -%}{{ return(kept) }}{%- endif -%}
  {%- set stored = {} -%}
  {%- for row in run_query("select monitor_name, labels_version, max(label_arrived_at) from " ~ this ~ " group by monitor_name, labels_version").rows -%}
    {%- do stored.update({row[0]: stored.get(row[0], []) + [row]}) -%}
  {%- endfor -%}
  {%- for monitor in monitors if monitor.labels is not none and monitor.labels.timestamp_column is not none -%}
    {%- set rows = stored.get(monitor.name, []) -%}
    {%- if rows | length == 1 and rows[0][1] == model_monitor.labels_version(monitor) and rows[0][2] is not none -%}
      {%- do kept.update({monitor.name: model_monitor._timestamp_text(rows[0][2])}) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(kept) }}
{% endmacro %}

{#- Fingerprint of what a monitor's stored latest labels were read from. -#}
{% macro labels_version(monitor) %}
  {%- set labels = monitor.labels -%}
  {%- set label_kind = (monitor.columns | selectattr('role', 'equalto', 'label') | first).kind -%}
  {{ return(local_md5([labels.relation | string, labels.id_column, labels.label_column, labels.timestamp_column | string, label_kind] | join('|'))) }}
{% endmacro %}
