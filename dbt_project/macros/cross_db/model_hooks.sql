{#-
  Hooks the package runs around each of its models (set in dbt_project.yml). PostgreSQL: the
  JIT compiler costs seconds on these wide queries and gains nothing, and a freshly built table
  has no statistics until autovacuum reaches it, so the next model would be planned blind.
-#}
{% macro before_model_hook() %}
  {{ return(adapter.dispatch('before_model_hook', 'model_monitor')()) }}
{% endmacro %}

{% macro default__before_model_hook() %}{% endmacro %}
{% macro postgres__before_model_hook() %}set local jit = off{% endmacro %}

{% macro after_model_hook(relation) %}
  {{ return(adapter.dispatch('after_model_hook', 'model_monitor')(relation)) }}
{% endmacro %}

{% macro default__after_model_hook(relation) %}{% endmacro %}
{% macro postgres__after_model_hook(relation) %}analyze {{ relation }}{% endmacro %}
