{#-
  The typed columns of the value statistics of drift_statistics() (KS, Wasserstein ...), each
  followed by its error-bound column when `error_bounds`: the statistic columns of mm_value_drift
  and mm_binned_drift, for their empty relations.
-#}
{% macro _drift_value_columns(error_bounds=false) -%}
  {%- set double = model_monitor.type_double() -%}
  {%- set columns = [] -%}
  {%- for statistic in model_monitor.drift_statistics('values') -%}
    {%- do columns.append((statistic.name, double)) -%}
    {%- if error_bounds -%}{%- do columns.append((statistic.error_bound, double)) -%}{%- endif -%}
  {%- endfor -%}
  {{ return(columns) }}
{%- endmacro %}
