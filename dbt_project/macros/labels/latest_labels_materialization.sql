{#-
  How mm_latest_labels is built. Incremental (delete+insert on monitor and label id) wherever
  a delete exists; a table on Spark, whose plain tables have no delete: insert_overwrite would
  rewrite a whole partition (a monitor's every label) from a query that reads that partition.
-#}
{% macro latest_labels_materialization() %}
  {{ return(adapter.dispatch('latest_labels_materialization', 'model_monitor')()) }}
{% endmacro %}

{% macro default__latest_labels_materialization() %}{{ return('incremental') }}{% endmacro %}
{% macro spark__latest_labels_materialization() %}{{ return('table') }}{% endmacro %}
{% macro databricks__latest_labels_materialization() %}{{ return('incremental') }}{% endmacro %}
