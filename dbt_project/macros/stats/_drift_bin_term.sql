{#-
  One bin's term of a bin statistic of drift_statistics(), its term macro called on `bin`, a
  mapping of the term arguments (p, q, ref_count, cur_count, ref_total, cur_total, epsilon) to SQL.
-#}
{% macro _drift_bin_term(statistic, bin) -%}
  {%- set args = [] -%}
  {%- for name in statistic.term_args -%}
    {%- if name not in bin -%}
      {{ exceptions.raise_compiler_error("model_monitor: drift statistic '" ~ statistic.name ~ "', key `term_args`: expected names among " ~ (bin.keys() | list | join(', ')) ~ "; got '" ~ name ~ "'") }}
    {%- endif -%}
    {%- do args.append(bin[name]) -%}
  {%- endfor -%}
  {#- the term macro by name, from this package's namespace (its dispatch wrapper) -#}
  {{ return(model_monitor[statistic.term](*args)) }}
{%- endmacro %}
