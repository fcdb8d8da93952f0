{#-
  Resolves a relation from the configuration: '[database.]schema.table' (checked to exist when
  executing), {ref: model}, or {source: [source_name, table_name]}.
-#}
{% macro _relation_key(monitor_name, key, spec) %}
  {%- if spec is mapping -%}
    {%- if spec | length != 1 or ('ref' not in spec and 'source' not in spec) -%}
      {{ model_monitor.config_error(monitor_name, key, "expected 'schema.table', {ref: model} or {source: [source, table]}; got " ~ spec | string) }}
    {%- endif -%}
    {%- if 'ref' in spec -%}
      {{ return(ref(spec['ref'])) }}
    {%- endif -%}
    {%- set parts = spec['source'] -%}
    {%- if parts is string or parts is not iterable or parts | length != 2 -%}
      {{ model_monitor.config_error(monitor_name, key ~ '.source', "expected [source_name, table_name]; got " ~ parts | string) }}
    {%- endif -%}
    {{ return(source(parts[0], parts[1])) }}
  {%- endif -%}
  {%- if spec is not string or spec | length == 0 -%}
    {{ model_monitor.config_error(monitor_name, key, "expected 'schema.table', {ref: model} or {source: [source, table]}; got " ~ spec | string) }}
  {%- endif -%}
  {%- set parts = spec.split('.') -%}
  {%- if parts | length > 3 or '' in parts -%}
    {{ model_monitor.config_error(monitor_name, key, "expected '[database.]schema.table'; got '" ~ spec ~ "'") }}
  {%- endif -%}
  {%- set identifier = parts[-1] -%}
  {%- set schema = parts[-2] if parts | length >= 2 else target.schema -%}
  {#- Spark and other two-level engines have no target.database -#}
  {%- set default_database = target.database if target.database is defined else none -%}
  {%- set database = parts[-3] if parts | length == 3 else default_database -%}
  {%- if not execute -%}
    {{ return(api.Relation.create(database=database, schema=schema, identifier=identifier)) }}
  {%- endif -%}
  {%- set relation = adapter.get_relation(database=database, schema=schema, identifier=identifier) -%}
  {%- if relation is none -%}
    {{ model_monitor.config_error(monitor_name, key, "relation '" ~ spec ~ "' does not exist (looked for database " ~ database ~ ", schema " ~ schema ~ ", table " ~ identifier ~ ")") }}
  {%- endif -%}
  {{ return(relation) }}
{% endmacro %}
