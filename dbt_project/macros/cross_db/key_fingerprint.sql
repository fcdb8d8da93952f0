{#-
  An int64 stand-in for an incremental table's text replacement key, or none where the key itself
  serves. BigQuery replaces rows by an int64, date or timestamp partition column only
  (macros/cross_db/window_incremental_config_bigquery.sql): FarmHash's 64-bit fingerprint of the
  key is that column there.
-#}
{% macro key_fingerprint(expression) %}
  {{ return(adapter.dispatch('key_fingerprint', 'model_monitor')(expression)) }}
{% endmacro %}

{% macro default__key_fingerprint(expression) %}{{ return(none) }}{% endmacro %}
{% macro bigquery__key_fingerprint(expression) %}{{ return('farm_fingerprint(' ~ expression ~ ')') }}{% endmacro %}
