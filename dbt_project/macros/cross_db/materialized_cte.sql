{#-
  Keyword placed between `name as` and `(` of a CTE that must be computed once. PostgreSQL
  inlines single-use CTEs and, misestimating aggregates over computed keys as one row, can then
  re-run them per outer row in a nested loop; `materialized` prevents that.
-#}
{% macro materialized_cte() %}
  {{ return(adapter.dispatch('materialized_cte', 'model_monitor')()) }}
{% endmacro %}

{% macro default__materialized_cte() %}{% endmacro %}
{% macro postgres__materialized_cte() %}materialized{% endmacro %}
