{#- Whether the reference rows carry labels: a relation's label_column, or `labels` for a `between` range. -#}
{% macro reference_has_labels(monitor) %}
  {%- if monitor.reference.between is not none -%}
    {{ return(monitor.labels is not none) }}
  {%- endif -%}
  {{ return(monitor.reference.label_column is not none) }}
{% endmacro %}
