{#-
  The monitors whose stored latest labels an incremental run of mm_latest_labels keeps (and
  updates for the ids whose labels changed): every monitor with labels stored from its current
  labels configuration (labels_version). The others are rebuilt from all their labels, as is
  every monitor on a full build.
-#}
{% macro latest_labels_plan(monitors) %}
  {%- set kept = [] -%}
  {%- if not execute or not is_incremental() -%}{{ return(kept) }}{%- endif -%}
  {%- set stored = {} -%}
  {%- for row in run_query("select distinct monitor_name, labels_version from " ~ this).rows -%}
    {%- do stored.update({row[0]: stored.get(row[0], []) + [row[1]]}) -%}
  {%- endfor -%}
  {%- for monitor in monitors if monitor.labels is not none -%}
    {%- if stored.get(monitor.name) == [model_monitor.labels_version(monitor)] -%}
      {%- do kept.append(monitor.name) -%}
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
