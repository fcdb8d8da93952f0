{#- A SQL string literal for a value from the configuration (names, categories). -#}
{% macro string_literal(value) %}
  {{ return(adapter.dispatch('string_literal', 'model_monitor')(value)) }}
{% endmacro %}

{% macro default__string_literal(value) -%}
  '{{ value | string | replace("'", "''") }}'
{%- endmacro %}

{#- Engines whose string literals treat backslash as an escape character. -#}
{% macro spark__string_literal(value) -%}
  '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}
{% macro databricks__string_literal(value) -%}{{ model_monitor.spark__string_literal(value) }}{%- endmacro %}
{% macro bigquery__string_literal(value) -%}{{ model_monitor.spark__string_literal(value) }}{%- endmacro %}
{% macro snowflake__string_literal(value) -%}{{ model_monitor.spark__string_literal(value) }}{%- endmacro %}
