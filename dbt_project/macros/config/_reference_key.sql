{#-
  The reference: {relation, between, label_column, version, spec, present}. Exactly one of
  `relation` (a training/validation table) or `between` ([start, end) of the predictions).
-#}
{% macro _reference_key(monitor_name, spec, labels) %}
  {%- if spec is not mapping -%}
    {{ model_monitor.config_error(monitor_name, 'reference', "expected a mapping with `relation` or `between`; got " ~ spec | string) }}
  {%- endif -%}
  {{ model_monitor._check_keys(monitor_name, 'reference', spec, ['relation', 'between', 'label_column', 'version'], []) }}
  {%- if ('relation' in spec) == ('between' in spec) -%}
    {{ model_monitor.config_error(monitor_name, 'reference', "give exactly one of `relation` (a table) or `between` (a time range of the predictions)") }}
  {%- endif -%}
  {%- set version = spec.get('version') -%}
  {%- if version is not none and version is not string and version is not number -%}
    {{ model_monitor.config_error(monitor_name, 'reference.version', "expected a string; got " ~ version | string) }}
  {%- endif -%}
  {%- set reference = {'relation': none, 'between': none, 'label_column': none, 'present': [],
                       'version': version | string if version is not none else ''} -%}
  {%- if 'between' in spec -%}
    {%- set between = spec['between'] -%}
    {%- if between is string or between is not iterable or between | length != 2 -%}
      {{ model_monitor.config_error(monitor_name, 'reference.between', "expected [start, end] timestamps; got " ~ between | string) }}
    {%- endif -%}
    {%- set start = model_monitor._timestamp_key(monitor_name, 'reference.between', between[0]) -%}
    {%- set end = model_monitor._timestamp_key(monitor_name, 'reference.between', between[1]) -%}
    {%- if start >= end -%}
      {{ model_monitor.config_error(monitor_name, 'reference.between', "start " ~ start ~ " is not before end " ~ end) }}
    {%- endif -%}
    {%- if 'label_column' in spec -%}
      {{ model_monitor.config_error(monitor_name, 'reference.label_column', "applies to a reference relation only; a `between` reference takes its labels from `labels`") }}
    {%- endif -%}
    {%- do reference.update({'between': [start, end], 'spec': 'between:' ~ start ~ '/' ~ end ~ '/' ~ reference.version}) -%}
  {%- else -%}
    {%- set relation = model_monitor._relation_key(monitor_name, 'reference.relation', spec['relation']) -%}
    {%- set label_column = model_monitor._name_key(monitor_name, 'reference.label_column', spec.get('label_column'), false) -%}
    {%- do reference.update({'relation': relation, 'label_column': label_column,
                             'spec': 'relation:' ~ relation ~ '/' ~ label_column ~ '/' ~ reference.version}) -%}
  {%- endif -%}
  {{ return(reference) }}
{% endmacro %}

{#-
  A reference relation must hold every feature and slice column (and its label_column); score and
  prediction columns are optional there (a training table rarely has them): absent ones are NULL.
-#}
{% macro _check_reference_columns(monitor_name, reference, columns, slices, ts_column) %}
  {%- if reference.relation is none -%}{{ return(none) }}{%- endif -%}
  {%- set available = model_monitor._relation_columns(monitor_name, 'reference.relation', reference.relation) -%}
  {%- set present = [] -%}
  {%- for column in columns -%}
    {%- if column.role == 'feature' -%}
      {{ model_monitor._require_column(monitor_name, 'reference.relation', available, column.name, reference.relation) }}
      {%- do present.append(column.name) -%}
    {%- elif column.role in ('score', 'prediction') and column.name in available -%}
      {%- do present.append(column.name) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- for column in slices -%}
    {{ model_monitor._require_column(monitor_name, 'reference.relation', available, column, reference.relation) }}
  {%- endfor -%}
  {%- if reference.label_column is not none -%}
    {{ model_monitor._require_column(monitor_name, 'reference.label_column', available, reference.label_column, reference.relation) }}
  {%- endif -%}
  {%- do reference.update({'present': present}) -%}
{% endmacro %}
