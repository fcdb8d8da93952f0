{#-
  How mm_latest_labels is built. Incremental wherever a delete exists: delete+insert on monitor
  and label id (BigQuery, which has no delete+insert, merges on the same row-unique key). A table
  on Spark, whose plain tables have no delete: insert_overwrite would rewrite a whole partition (a
  monitor's every label) from a query that reads that partition.
-#}
{% macro latest_labels_materialization() %}
  {{ return(adapter.dispatch('latest_labels_materialization', 'model_monitor')()) }}
{% endmacro %}

{% macro default__latest_labels_materialization() %}{{ return('incremental') }}{% endmacro %}
{% macro spark__latest_labels_materialization() %}{{ return('table') }}{% endmacro %}
{% macro databricks__latest_labels_materialization() %}{{ return('incremental') }}{% endmacro %}

{% macro latest_labels_strategy() %}
  {{ return(adapter.dispatch('latest_labels_strategy', 'model_monitor')()) }}
{% endmacro %}

{% macro default__latest_labels_strategy() %}{{ return('delete+insert') }}{% endmacro %}
{% macro bigquery__latest_labels_strategy() %}{{ return('merge') }}{% endmacro %}
