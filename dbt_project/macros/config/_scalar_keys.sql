{#- Typed readers for scalar configuration keys; each raises config_error naming the key. -#}

{% macro _choice_key(monitor_name, key, value, choices, default) %}
  {%- if value is none and default is not none -%}{{ return(default) }}{%- endif -%}
  {%- if value is not string or value not in choices -%}
    {{ model_monitor.config_error(monitor_name, key, "expected one of " ~ choices | join(', ') ~ "; got " ~ ("'" ~ value ~ "'" if value is string else value | string)) }}
  {%- endif -%}
  {{ return(value) }}
{% endmacro %}

{% macro _int_key(monitor_name, key, value, default, minimum, maximum) %}
  {%- if value is none -%}{{ return(default) }}{%- endif -%}
  {%- if value is not integer or value is sameas true or value is sameas false or value < minimum or value > maximum -%}
    {{ model_monitor.config_error(monitor_name, key, "expected an integer from " ~ minimum ~ " to " ~ maximum ~ "; got " ~ value | string) }}
  {%- endif -%}
  {{ return(value) }}
{% endmacro %}

{% macro _name_key(monitor_name, key, value, required) %}
  {%- if value is none and not required -%}{{ return(none) }}{%- endif -%}
  {%- if value is not string or value | length == 0 -%}
    {{ model_monitor.config_error(monitor_name, key, "expected a column name (a non-empty string); got " ~ value | string) }}
  {%- endif -%}
  {{ return(value) }}
{% endmacro %}

{% macro _name_list_key(monitor_name, key, value) %}
  {%- if value is none -%}{{ return([]) }}{%- endif -%}
  {%- if value is string or value is mapping or value is not iterable -%}
    {{ model_monitor.config_error(monitor_name, key, "expected a list of column names; got " ~ value | string) }}
  {%- endif -%}
  {%- set names = [] -%}
  {%- for item in value -%}
    {%- if item is not string or item | length == 0 -%}
      {{ model_monitor.config_error(monitor_name, key, "expected a list of column names; entry " ~ loop.index ~ " is " ~ item | string) }}
    {%- endif -%}
    {%- if item in names -%}
      {{ model_monitor.config_error(monitor_name, key, "lists " ~ item ~ " twice") }}
    {%- endif -%}
    {%- do names.append(item) -%}
  {%- endfor -%}
  {{ return(names) }}
{% endmacro %}

{#- A timestamp literal from the configuration, checked for shape (YYYY-MM-DD[ HH:MM[:SS]]). -#}
{% macro _timestamp_key(monitor_name, key, value) %}
  {%- set text = value | string -%}
  {%- if value is none or not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?$', text) -%}
    {{ model_monitor.config_error(monitor_name, key, "expected a timestamp like '2024-01-31' or '2024-01-31 12:00:00'; got " ~ value | string) }}
  {%- endif -%}
  {{ return(text | replace('T', ' ')) }}
{% endmacro %}

{#- A list of scalar values (strings, numbers, booleans), returned as text. -#}
{% macro _value_list_key(monitor_name, key, value, default) %}
  {%- if value is none -%}{{ return(default) }}{%- endif -%}
  {%- if value is string or value is mapping or value is not iterable or value | length == 0 -%}
    {{ model_monitor.config_error(monitor_name, key, "expected a non-empty list of values; got " ~ value | string) }}
  {%- endif -%}
  {%- set values = [] -%}
  {%- for item in value -%}
    {%- if item is mapping or (item is iterable and item is not string) or item is none -%}
      {{ model_monitor.config_error(monitor_name, key, "entry " ~ loop.index ~ " is not a single value: " ~ item | string) }}
    {%- endif -%}
    {%- do values.append(item | string | lower if (item is sameas true or item is sameas false) else item | string) -%}
  {%- endfor -%}
  {{ return(values) }}
{% endmacro %}
