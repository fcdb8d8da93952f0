{#-
  The monitored features as [{name, kind}]: a list of names (kinds inferred from the warehouse
  types), a mapping name -> numerical|categorical, or, when omitted, every column of the
  predictions that no other key uses and whose type has a kind.
-#}
{% macro _feature_list(monitor_name, spec, relation, columns, reserved) %}
  {%- set features = [] -%}
  {%- if spec is none -%}
    {%- for column, data_type in columns.items() if column not in reserved -%}
      {%- set kind = model_monitor._type_kind(data_type) -%}
      {%- if kind in ('numerical', 'categorical') -%}
        {%- do features.append({'name': column, 'kind': kind}) -%}
      {%- endif -%}
    {%- endfor -%}
    {%- if execute and features | length == 0 -%}
      {{ model_monitor.config_error(monitor_name, 'features', "none given and no numeric or text column of " ~ relation ~ " is left to infer them from") }}
    {%- endif -%}
    {{ return(features) }}
  {%- endif -%}

  {%- if spec is mapping -%}
    {%- set items = spec.items() | list -%}
  {%- elif spec is string or spec is not iterable -%}
    {{ model_monitor.config_error(monitor_name, 'features', "expected a list of column names or a mapping name -> numerical|categorical; got " ~ spec | string) }}
  {%- else -%}
    {%- set items = [] -%}
    {%- for name in spec -%}{%- do items.append((name, none)) -%}{%- endfor -%}
  {%- endif -%}
  {%- if items | length == 0 -%}
    {{ model_monitor.config_error(monitor_name, 'features', "is empty; omit it to infer the features") }}
  {%- endif -%}

  {%- set seen = [] -%}
  {%- for name, declared in items -%}
    {%- if name is not string or name | length == 0 -%}
      {{ model_monitor.config_error(monitor_name, 'features', "entry " ~ loop.index ~ " is not a column name: " ~ name | string) }}
    {%- endif -%}
    {%- if name in seen -%}
      {{ model_monitor.config_error(monitor_name, 'features', "lists " ~ name ~ " twice") }}
    {%- endif -%}
    {%- if name in reserved -%}
      {{ model_monitor.config_error(monitor_name, 'features', "column " ~ name ~ " is already used by another key (id, timestamp, version, prediction or score column)") }}
    {%- endif -%}
    {%- if declared is not none and declared not in ('numerical', 'categorical') -%}
      {{ model_monitor.config_error(monitor_name, 'features.' ~ name, "expected numerical or categorical; got " ~ declared | string) }}
    {%- endif -%}
    {%- do seen.append(name) -%}
    {%- set kind = declared if declared is not none else 'unknown' -%}
    {%- if execute -%}
      {{ model_monitor._require_column(monitor_name, 'features', columns, name, relation) }}
      {%- set type_kind = model_monitor._type_kind(columns[name]) -%}
      {%- if declared is none and type_kind not in ('numerical', 'categorical') -%}
        {{ model_monitor.config_error(monitor_name, 'features', "cannot infer the kind of column " ~ name ~ " (type " ~ columns[name] ~ "); declare it as a mapping entry " ~ name ~ ": numerical or categorical") }}
      {%- endif -%}
      {%- if declared == 'numerical' and type_kind != 'numerical' -%}
        {{ model_monitor.config_error(monitor_name, 'features.' ~ name, "is declared numerical but column " ~ name ~ " has type " ~ columns[name] ~ "; expected a numeric type") }}
      {%- endif -%}
      {%- set kind = declared if declared is not none else type_kind -%}
    {%- endif -%}
    {%- do features.append({'name': name, 'kind': kind}) -%}
  {%- endfor -%}
  {{ return(features) }}
{% endmacro %}
