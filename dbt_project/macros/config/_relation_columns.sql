{#- Column name -> data type of a relation (empty while parsing). -#}
{% macro _relation_columns(monitor_name, key, relation) %}
  {%- set columns = {} -%}
  {%- if not execute -%}{{ return(columns) }}{%- endif -%}
  {%- for column in adapter.get_columns_in_relation(relation) -%}
    {%- do columns.update({column.name: column.data_type}) -%}
  {%- endfor -%}
  {%- if columns | length == 0 -%}
    {{ model_monitor.config_error(monitor_name, key, "relation " ~ relation ~ " has no columns or cannot be read") }}
  {%- endif -%}
  {{ return(columns) }}
{% endmacro %}

{% macro _require_column(monitor_name, key, columns, name, relation) %}
  {%- if name not in columns -%}
    {%- set near = [] -%}
    {%- for existing in columns if existing | lower == name | lower -%}{%- do near.append(existing) -%}{%- endfor -%}
    {%- if near -%}
      {%- set hint = " (did you mean " ~ near | join(', ') ~ "? names are case-sensitive)" -%}
    {%- else -%}
      {%- set close = model_monitor._closest_names(name, columns.keys() | list) -%}
      {%- set hint = " (did you mean " ~ close | join(' or ') ~ "?)" if close else "; it has " ~ columns.keys() | list | join(', ') -%}
    {%- endif -%}
    {{ model_monitor.config_error(monitor_name, key, "column " ~ name ~ " not found in " ~ relation ~ hint) }}
  {%- endif -%}
{% endmacro %}

{#- numerical | categorical | temporal | other, from a warehouse data type name. -#}
{% macro _type_kind(data_type) %}
  {%- set t = (data_type | string | lower | trim) -%}
  {%- if 'timestamp' in t or t in ('date', 'datetime') -%}{{ return('temporal') }}{%- endif -%}
  {%- if modules.re.match('^(u?(tiny|small|big|huge)?int(eger)?[0-9]*|int[0-9]+|double( precision)?|float[0-9]*|real|numeric|decimal|number|bignumeric|long|short|byte)( *[(].*[)])?$', t) -%}
    {{ return('numerical') }}
  {%- endif -%}
  {%- if modules.re.match('^(character varying|varchar|nvarchar|char|character|bpchar|text|string|bool|boolean|uuid|enum)( *[(].*[)])?$', t) -%}
    {{ return('categorical') }}
  {%- endif -%}
  {{ return('other') }}
{% endmacro %}
