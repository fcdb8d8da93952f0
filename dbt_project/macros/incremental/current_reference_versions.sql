{#- monitor_name -> reference_version, read from mm_reference_versions (built earlier in the run). -#}
{% macro current_reference_versions() %}
  {%- set versions = {} -%}
  {%- if not execute -%}{{ return(versions) }}{%- endif -%}
  {%- set result = run_query("select monitor_name, reference_version from " ~ ref('mm_reference_versions')) -%}
  {%- for row in result.rows -%}
    {%- do versions.update({row[0]: row[1]}) -%}
  {%- endfor -%}
  {{ return(versions) }}
{% endmacro %}
