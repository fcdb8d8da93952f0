{{ config(materialized='view') }}
{#-
  Every scalar metric of the published tables in one long shape for BI tools: one row per source
  table, window, version, slice, column and metric. A view: always as fresh as its tables.
  Performance metrics keep their metric_source (realized/estimated) and class_label.
-#}
{%- set drift_statistics = model_monitor.drift_statistics() %}
{{ model_monitor.long_metrics('monitor_drift',
    drift_statistics | map(attribute='name') | list
    + drift_statistics | selectattr('error_bound') | map(attribute='error_bound') | list
    + ['reference_count', 'current_count']) }}
union all
{{ model_monitor.long_metrics('monitor_data_quality',
    ['row_count', 'null_count', 'null_rate', 'nan_count', 'distinct_count', 'min_value', 'max_value',
     'mean_value', 'stddev_value', 'out_of_range_count', 'unseen_category_count'],
    where="t.metric_scope = 'column'") }}
union all
{{ model_monitor.long_metrics('monitor_data_quality', ['prediction_count', 'duplicate_id_count'],
    column_sql='null', where="t.metric_scope = 'window'") }}
union all
{{ model_monitor.long_metrics('monitor_performance', column_sql='null', source_sql='t.metric_source',
    class_sql='t.class_label') }}
union all
{{ model_monitor.long_metrics('monitor_label_coverage',
    ['prediction_count', 'labeled_count', 'label_coverage', 'label_delay_median_hours',
     'label_delay_max_hours', 'duplicate_label_count'], column_sql='null') }}
union all
{{ model_monitor.long_metrics('monitor_operations',
    ['prediction_count', 'throughput_per_hour', 'latency_p50_ms', 'latency_p95_ms', 'latency_p99_ms',
     'latency_max_ms', 'error_count', 'error_rate'], column_sql='null') }}
union all
{{ model_monitor.long_metrics('monitor_fairness', column_sql='null', slice_value_sql='null') }}
