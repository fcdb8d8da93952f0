{#-
  Whether monitor_score_cells may merge late labels into its stored rows, which reads the table
  the run replaces rows of. delete+insert writes the new rows to a temporary table first; Spark's
  insert_overwrite reads its source lazily while it overwrites, so Spark recounts instead.
-#}
{% macro score_state_merges() %}
  {{ return(adapter.dispatch('score_state_merges', 'model_monitor')()) }}
{% endmacro %}

{% macro default__score_state_merges() %}{{ return(true) }}{% endmacro %}
