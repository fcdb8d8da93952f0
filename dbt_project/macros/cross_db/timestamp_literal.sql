{#- A timestamp literal from 'YYYY-MM-DD[ HH:MM:SS]' text. -#}
{% macro timestamp_literal(text) %}
  {{ return(adapter.dispatch('timestamp_literal', 'model_monitor')(text)) }}
{% endmacro %}

{% macro default__timestamp_literal(text) -%}
  cast({{ model_monitor.string_literal(text) }} as {{ dbt.type_timestamp() }})
{%- endmacro %}
