{#- Rejects unknown keys (with the list of valid ones) and missing required keys of a mapping. -#}
{% macro _check_keys(monitor_name, where, mapping_value, allowed, required) %}
  {%- for key in mapping_value -%}
    {%- if key not in allowed -%}
      {%- set path = key if where in ('model_monitor', 'monitors') else where ~ '.' ~ key -%}
      {{ model_monitor.config_error(monitor_name, path, "unknown key; expected one of " ~ allowed | join(', ')) }}
    {%- endif -%}
  {%- endfor -%}
  {%- for key in required -%}
    {%- if key not in mapping_value or mapping_value[key] is none -%}
      {%- set path = key if where in ('model_monitor', 'monitors') else where ~ '.' ~ key -%}
      {{ model_monitor.config_error(monitor_name, path, "is required") }}
    {%- endif -%}
  {%- endfor -%}
{% endmacro %}
