{#-
  Validates one monitor's configuration and returns it normalized:
  {name, task, grain, bins, top_k, lookback_windows, predictions (relation), id_column,
   timestamp_column, model_version_column, columns: [{index, name, role, kind}], slices,
   labels: {relation, id_column, label_column, timestamp_column} | none,
   reference: {relation | none, between: [start, end] | none, label_column, present: [names]},
   drift_method, performance_method ('exact' | 'binned'), grid_cells, uses_grid,
   distinct_count_method ('exact' | 'approximate'),
   settings_fingerprint}
-#}
{% macro _normalize_monitor(raw, position) %}
  {%- if raw is not mapping -%}
    {{ model_monitor.config_error(none, 'monitors', "entry " ~ position ~ " must be a mapping; got " ~ raw | string) }}
  {%- endif -%}
  {%- set name = raw.get('name') -%}
  {%- if name is not string or not modules.re.match('^[A-Za-z0-9_.-]+$', name) -%}
    {{ model_monitor.config_error(none, 'name', "monitor " ~ position ~ ": expected a name of letters, digits, _ . -; got " ~ name | string) }}
  {%- endif -%}
  {%- set allowed = ['name', 'predictions', 'id_column', 'timestamp_column', 'model_version_column',
                     'task', 'prediction_column', 'score_column', 'features', 'labels', 'reference',
                     'window_grain', 'slices', 'bins', 'top_k', 'lookback_windows',
                     'decision_threshold', 'positive_class', 'calibration_bins', 'label_lookback_windows',
                     'latency_column', 'status_column', 'error_statuses',
                     'drift_method', 'performance_method', 'grid_cells', 'distinct_count_method'] -%}
  {{ model_monitor._check_keys(name, 'monitors', raw, allowed, ['predictions', 'id_column', 'timestamp_column', 'task', 'reference']) }}

  {%- set task = model_monitor._choice_key(name, 'task', raw.get('task'), ['binary', 'multiclass', 'regression'], none) -%}
  {%- set grain = model_monitor._choice_key(name, 'window_grain', raw.get('window_grain'), ['hour', 'day', 'week'], 'day') -%}
  {%- set bins = model_monitor._int_key(name, 'bins', raw.get('bins'), 10, 2, 1000) -%}
  {%- set top_k = model_monitor._int_key(name, 'top_k', raw.get('top_k'), 20, 1, 1000) -%}
  {%- set drift_method = model_monitor._choice_key(name, 'drift_method', raw.get('drift_method'), ['exact', 'binned'], 'exact') -%}
  {%- set performance_method = model_monitor._choice_key(name, 'performance_method', raw.get('performance_method'), ['exact', 'binned'], 'exact') -%}
  {#- A monitor that chose binned drift for its cost gets sketched distinct counts too, unless it says otherwise. -#}
  {%- set distinct_count_method = model_monitor._choice_key(name, 'distinct_count_method', raw.get('distinct_count_method'),
        ['exact', 'approximate'], 'approximate' if drift_method == 'binned' else 'exact') -%}
  {%- set grid_cells = model_monitor._int_key(name, 'grid_cells', raw.get('grid_cells'), 1000, 2, 1000) -%}
  {%- set lookback = model_monitor._int_key(name, 'lookback_windows', raw.get('lookback_windows'), 1, 0, 100000) -%}
  {%- set id_column = model_monitor._name_key(name, 'id_column', raw.get('id_column'), true) -%}
  {%- set ts_column = model_monitor._name_key(name, 'timestamp_column', raw.get('timestamp_column'), true) -%}
  {%- set version_column = model_monitor._name_key(name, 'model_version_column', raw.get('model_version_column'), false) -%}
  {%- set prediction_column = model_monitor._name_key(name, 'prediction_column', raw.get('prediction_column'), false) -%}
  {%- set score_column = model_monitor._name_key(name, 'score_column', raw.get('score_column'), false) -%}
  {%- set slices = model_monitor._name_list_key(name, 'slices', raw.get('slices')) -%}
  {%- set latency_column = model_monitor._name_key(name, 'latency_column', raw.get('latency_column'), false) -%}
  {%- set status_column = model_monitor._name_key(name, 'status_column', raw.get('status_column'), false) -%}
  {%- set error_statuses = model_monitor._value_list_key(name, 'error_statuses', raw.get('error_statuses'), ['error']) -%}
  {%- if raw.get('error_statuses') is not none and status_column is none -%}
    {{ model_monitor.config_error(name, 'error_statuses', "needs status_column") }}
  {%- endif -%}
  {%- set calibration_bins = model_monitor._int_key(name, 'calibration_bins', raw.get('calibration_bins'), 10, 2, 100) -%}
  {%- set label_lookback = model_monitor._int_key(name, 'label_lookback_windows', raw.get('label_lookback_windows'), 30, 0, 100000) -%}
  {%- set threshold = raw.get('decision_threshold') -%}
  {%- if threshold is not none and (threshold is not number or threshold is sameas true or threshold is sameas false or threshold < 0 or threshold > 1) -%}
    {{ model_monitor.config_error(name, 'decision_threshold', "expected a number from 0 to 1; got " ~ threshold | string) }}
  {%- endif -%}
  {%- if threshold is not none and (task != 'binary' or score_column is none) -%}
    {{ model_monitor.config_error(name, 'decision_threshold', "applies to task binary with a score_column") }}
  {%- endif -%}
  {%- if task == 'binary' and prediction_column is none and score_column is none -%}
    {{ model_monitor.config_error(name, 'prediction_column', "task binary needs prediction_column or score_column") }}
  {%- endif -%}
  {%- if task == 'multiclass' and prediction_column is none -%}
    {{ model_monitor.config_error(name, 'prediction_column', "is required for task multiclass (the predicted class)") }}
  {%- endif -%}
  {%- set positive_class = raw.get('positive_class') -%}
  {%- if positive_class is not none and task != 'binary' -%}
    {{ model_monitor.config_error(name, 'positive_class', "applies to task binary only") }}
  {%- endif -%}
  {%- if positive_class is mapping or (positive_class is iterable and positive_class is not string) -%}
    {{ model_monitor.config_error(name, 'positive_class', "expected one value (a string, number or boolean); got " ~ positive_class | string) }}
  {%- endif -%}
  {#- Labels and predicted classes are compared as text; the default accepts 1, 1.0 and true. -#}
  {%- if positive_class is none -%}
    {%- set positive_values = ['1', '1.0', 'true'] -%}
  {%- elif positive_class is sameas true or positive_class is sameas false -%}
    {%- set positive_values = [positive_class | string | lower] -%}
  {%- elif positive_class is number and positive_class == (positive_class | int) -%}
    {#- a whole number reads '1' on some engines and '1.0' on others once cast to text -#}
    {%- set positive_values = [positive_class | int | string, (positive_class | int | string) ~ '.0'] -%}
  {%- else -%}
    {%- set positive_values = [positive_class | string] -%}
  {%- endif -%}
  {%- if task == 'regression' and prediction_column is none -%}
    {{ model_monitor.config_error(name, 'prediction_column', "is required for task regression (the predicted value)") }}
  {%- endif -%}
  {%- if task == 'regression' and score_column is not none -%}
    {{ model_monitor.config_error(name, 'score_column', "applies to classification tasks only; for regression use prediction_column") }}
  {%- endif -%}

  {%- set predictions = model_monitor._relation_key(name, 'predictions', raw.get('predictions')) -%}
  {%- set labels = model_monitor._labels_key(name, raw.get('labels'), id_column) -%}
  {%- set reference = model_monitor._reference_key(name, raw.get('reference'), labels) -%}

  {#- Columns used by a role: never inferred as features. -#}
  {%- set reserved = [id_column, ts_column] + slices -%}
  {%- for column in [version_column, prediction_column, score_column, latency_column, status_column] if column is not none -%}
    {%- do reserved.append(column) -%}
  {%- endfor -%}

  {%- set output_kind = 'numerical' if task == 'regression' else 'categorical' -%}
  {%- set columns = [] -%}
  {%- set predictions_columns = model_monitor._relation_columns(name, 'predictions', predictions) -%}
  {%- if execute -%}
    {%- for column in reserved -%}
      {%- set key = 'slices' if column in slices else ('id_column' if column == id_column else ('timestamp_column' if column == ts_column else ('model_version_column' if column == version_column else ('prediction_column' if column == prediction_column else ('score_column' if column == score_column else ('latency_column' if column == latency_column else 'status_column')))))) -%}
      {{ model_monitor._require_column(name, key, predictions_columns, column, predictions) }}
    {%- endfor -%}
    {%- if model_monitor._type_kind(predictions_columns[ts_column]) != 'temporal' -%}
      {{ model_monitor.config_error(name, 'timestamp_column', "column " ~ ts_column ~ " of " ~ predictions ~ " has type " ~ predictions_columns[ts_column] ~ "; expected a timestamp or date") }}
    {%- endif -%}
    {%- if score_column is not none and model_monitor._type_kind(predictions_columns[score_column]) != 'numerical' -%}
      {{ model_monitor.config_error(name, 'score_column', "column " ~ score_column ~ " has type " ~ predictions_columns[score_column] ~ "; expected a numeric type") }}
    {%- endif -%}
    {%- if latency_column is not none and model_monitor._type_kind(predictions_columns[latency_column]) != 'numerical' -%}
      {{ model_monitor.config_error(name, 'latency_column', "column " ~ latency_column ~ " has type " ~ predictions_columns[latency_column] ~ "; expected a numeric type") }}
    {%- endif -%}
    {%- if task == 'regression' and model_monitor._type_kind(predictions_columns[prediction_column]) != 'numerical' -%}
      {{ model_monitor.config_error(name, 'prediction_column', "column " ~ prediction_column ~ " has type " ~ predictions_columns[prediction_column] ~ "; expected a numeric type for task regression") }}
    {%- endif -%}
  {%- endif -%}
  {#- A slice column may also be monitored as a feature when listed explicitly. -#}
  {%- set not_features = reserved if raw.get('features') is none else reserved | reject('in', slices) | list -%}
  {%- for feature in model_monitor._feature_list(name, raw.get('features'), predictions, predictions_columns, not_features) -%}
    {%- do columns.append({'name': feature.name, 'role': 'feature', 'kind': feature.kind}) -%}
  {%- endfor -%}
  {%- if score_column is not none -%}
    {%- do columns.append({'name': score_column, 'role': 'score', 'kind': 'numerical'}) -%}
  {%- endif -%}
  {%- if prediction_column is not none -%}
    {%- do columns.append({'name': prediction_column, 'role': 'prediction', 'kind': output_kind}) -%}
  {%- endif -%}
  {%- if labels is not none -%}
    {%- do columns.append({'name': labels.label_column, 'role': 'label', 'kind': output_kind}) -%}
  {%- endif -%}
  {%- for column in columns -%}
    {%- do column.update({'index': loop.index}) -%}
  {%- endfor -%}

  {%- if execute -%}
    {{ model_monitor._check_reference_columns(name, reference, columns, slices, ts_column) }}
  {%- endif -%}

  {%- set monitor = {
      'name': name, 'task': task, 'grain': grain, 'bins': bins, 'top_k': top_k,
      'lookback_windows': lookback, 'predictions': predictions, 'id_column': id_column,
      'timestamp_column': ts_column, 'model_version_column': version_column,
      'columns': columns, 'slices': slices, 'labels': labels, 'reference': reference,
      'prediction_column': prediction_column, 'score_column': score_column,
      'decision_threshold': threshold if threshold is not none else 0.5,
      'predicted_class_from_score': score_column is not none and (prediction_column is none or threshold is not none),
      'positive_values': positive_values, 'calibration_bins': calibration_bins,
      'label_lookback_windows': label_lookback, 'latency_column': latency_column,
      'status_column': status_column, 'error_statuses': error_statuses,
      'drift_method': drift_method, 'performance_method': performance_method, 'grid_cells': grid_cells,
      'distinct_count_method': distinct_count_method,
      'uses_grid': drift_method == 'binned' or performance_method == 'binned'} -%}
  {#- Everything that changes the bins or the reference rows changes this fingerprint. -#}
  {%- set fingerprint_parts = [name, task, bins | string, top_k | string, reference.spec | string, slices | join(','),
                               calibration_bins | string, positive_values | join(','), (threshold if threshold is not none else 0.5) | string] -%}
  {%- for column in columns -%}
    {%- do fingerprint_parts.append(column.name ~ ':' ~ column.role ~ ':' ~ column.kind) -%}
  {%- endfor -%}
  {#- Only a binned method adds parts, so exact monitors keep the fingerprint they always had. -#}
  {%- if monitor.uses_grid -%}
    {%- do fingerprint_parts.append('drift:' ~ drift_method ~ '|performance:' ~ performance_method ~ '|grid:' ~ grid_cells) -%}
  {%- endif -%}
  {%- if distinct_count_method == 'approximate' -%}
    {%- do fingerprint_parts.append('distinct:approximate') -%}
  {%- endif -%}
  {%- do monitor.update({'settings_fingerprint': local_md5(fingerprint_parts | join('|'))}) -%}
  {{ return(monitor) }}
{% endmacro %}
