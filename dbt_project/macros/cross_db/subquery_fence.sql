{#-
  Closes a subquery so the planner computes its columns once instead of inlining their
  expressions into every place they are read (PostgreSQL copies a subquery's select list into
  the outer query: a value compared 40 times in a nested CASE would be unpivoted 40 times).
  `offset 0` is PostgreSQL's documented fence; other engines keep their projections as they are.
-#}
{% macro subquery_fence() %}
  {{ return(adapter.dispatch('subquery_fence', 'model_monitor')()) }}
{% endmacro %}

{% macro default__subquery_fence() %}{% endmacro %}

{% macro postgres__subquery_fence() %}offset 0{% endmacro %}
