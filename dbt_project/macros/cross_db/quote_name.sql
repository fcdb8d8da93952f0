{#- Quotes an identifier that comes from the configuration. -#}
{% macro quote_name(name) -%}
  {{ adapter.quote(name) }}
{%- endmacro %}
