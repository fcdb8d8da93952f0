{#- One shape for every configuration error: it names the monitor and the key at fault. -#}
{% macro config_error(monitor_name, key, message) %}
  {%- if monitor_name is none -%}
    {%- set where = "key `" ~ key ~ "`" -%}
  {%- else -%}
    {%- set where = "monitor '" ~ monitor_name ~ "', key `" ~ key ~ "`" -%}
  {%- endif -%}
  {{ exceptions.raise_compiler_error("model_monitor: " ~ where ~ ": " ~ message) }}
{% endmacro %}
