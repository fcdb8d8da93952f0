{#- The labels table: {relation, id_column, label_column, timestamp_column} or none. -#}
{% macro _labels_key(monitor_name, spec, default_id_column) %}
  {%- if spec is none -%}{{ return(none) }}{%- endif -%}
  {%- if spec is not mapping -%}
    {{ model_monitor.config_error(monitor_name, 'labels', "expected a mapping with relation and label_column; got " ~ spec | string) }}
  {%- endif -%}
  {{ model_monitor._check_keys(monitor_name, 'labels', spec, ['relation', 'id_column', 'label_column', 'timestamp_column'], ['relation', 'label_column']) }}
  {%- set labels = {
      'relation': model_monitor._relation_key(monitor_name, 'labels.relation', spec['relation']),
      'id_column': model_monitor._name_key(monitor_name, 'labels.id_column', spec.get('id_column', default_id_column), true),
      'label_column': model_monitor._name_key(monitor_name, 'labels.label_column', spec['label_column'], true),
      'timestamp_column': model_monitor._name_key(monitor_name, 'labels.timestamp_column', spec.get('timestamp_column'), false)} -%}
  {%- if execute -%}
    {%- set columns = model_monitor._relation_columns(monitor_name, 'labels.relation', labels.relation) -%}
    {%- for key in ['id_column', 'label_column', 'timestamp_column'] if labels[key] is not none -%}
      {{ model_monitor._require_column(monitor_name, 'labels.' ~ key, columns, labels[key], labels.relation) }}
    {%- endfor -%}
    {%- if labels.timestamp_column is not none and model_monitor._type_kind(columns[labels.timestamp_column]) != 'temporal' -%}
      {{ model_monitor.config_error(monitor_name, 'labels.timestamp_column', "column " ~ labels.timestamp_column ~ " has type " ~ columns[labels.timestamp_column] ~ "; expected a timestamp or date") }}
    {%- endif -%}
  {%- endif -%}
  {{ return(labels) }}
{% endmacro %}
