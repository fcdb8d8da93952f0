{#-
  The one place that reads the package's configuration: var('model_monitor').
  Returns a list of normalized monitor dicts (see _normalize_monitor). Static checks run at parse
  time; checks that need the warehouse (relations, columns, types) run when `execute` is true.
-#}
{% macro get_monitors() %}
  {%- set settings = var('model_monitor', none) -%}
  {%- if settings is none -%}
    {{ model_monitor.config_error(none, 'model_monitor', "no configuration found: declare `vars: model_monitor: monitors: [...]` in dbt_project.yml") }}
  {%- endif -%}
  {%- if settings is not mapping -%}
    {{ model_monitor.config_error(none, 'model_monitor', "expected a mapping with a `monitors` list; got " ~ settings | string) }}
  {%- endif -%}
  {{ model_monitor._check_keys(none, 'model_monitor', settings, ['monitors', 'epsilon'], ['monitors']) }}
  {%- set monitors = settings['monitors'] -%}
  {%- if monitors is string or monitors is mapping or monitors is not iterable or monitors | length == 0 -%}
    {{ model_monitor.config_error(none, 'monitors', "expected a non-empty list of monitors; got " ~ monitors | string) }}
  {%- endif -%}
  {%- set normalized = [] -%}
  {%- set seen = [] -%}
  {%- for raw in monitors -%}
    {%- set monitor = model_monitor._normalize_monitor(raw, loop.index) -%}
    {%- if monitor.name in seen -%}
      {{ model_monitor.config_error(monitor.name, 'name', "is declared twice; monitor names must be unique") }}
    {%- endif -%}
    {%- do seen.append(monitor.name) -%}
    {%- do normalized.append(monitor) -%}
  {%- endfor -%}
  {{ model_monitor._depend_on_latest_labels(normalized) }}
  {{ return(normalized) }}
{% endmacro %}

{#-
  A package model that reads the config may read labels through monitor_rows, sometimes only for
  columns whose kinds are known when executing: dbt registers a ref only when it is rendered while
  parsing, so the dependency on mm_latest_labels is declared here, once, for every such model.
-#}
{% macro _depend_on_latest_labels(monitors) %}
  {%- if model is defined and model is mapping and model.get('resource_type') == 'model' and model.get('package_name') == 'model_monitor'
        and model.get('name') != 'mm_latest_labels' and monitors | selectattr('labels') | list -%}
    {%- do ref('model_monitor', 'mm_latest_labels') -%}
  {%- endif -%}
{% endmacro %}

{#- The global epsilon that replaces empty bin shares in PSI. -#}
{% macro get_epsilon() %}
  {%- set settings = var('model_monitor', {}) -%}
  {%- set epsilon = settings.get('epsilon', 0.0001) if settings is mapping else 0.0001 -%}
  {%- if epsilon is not number or epsilon is sameas true or epsilon is sameas false or epsilon <= 0 or epsilon >= 1 -%}
    {{ model_monitor.config_error(none, 'epsilon', "expected a number between 0 and 1 (exclusive); got " ~ epsilon | string) }}
  {%- endif -%}
  {{ return(epsilon) }}
{% endmacro %}
