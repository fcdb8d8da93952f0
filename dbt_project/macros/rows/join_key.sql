{#-
  One non-null text key for a list of text expressions, NULLs included, unambiguous: each part is
  '~' for NULL or '<length>:<value>'. For equi-joins on one column where several null-safe clauses
  (same_value) would do: PostgreSQL multiplies the clauses' selectivities into an estimate of a
  handful of rows, then merges on the first plain column and filters the rest, comparing every
  row with every row of its monitor.
-#}
{% macro join_key(expressions) -%}
  {%- set parts = [] -%}
  {%- for expression in expressions -%}
    {%- do parts.append("case when " ~ expression ~ " is null then '~' else "
        ~ dbt.concat(["cast(" ~ dbt.length(expression) ~ " as " ~ dbt.type_string() ~ ")", "':'", expression]) ~ " end") -%}
  {%- endfor -%}
  {{ dbt.concat(parts) }}
{%- endmacro %}
