{{ config(materialized='table') }}
-- depends_on: {{ ref('monitor_distributions') }}
-- depends_on: {{ ref('monitor_data_quality') }}
-- depends_on: {{ ref('mm_value_drift') }}
-- depends_on: {{ ref('monitor_drift') }}
-- depends_on: {{ ref('monitor_operations') }}
-- depends_on: {{ ref('monitor_performance') }}
-- depends_on: {{ ref('monitor_score_cells') }}
-- depends_on: {{ ref('monitor_calibration') }}
-- depends_on: {{ ref('monitor_confusion_matrix') }}
-- depends_on: {{ ref('monitor_residuals') }}
-- depends_on: {{ ref('monitor_label_coverage') }}
{#
  The per-window prediction counts (mm_window_counts) the incremental tables were last built
  from. Built after them, so it only moves on once they have taken the counts in; the next run
  reads it without a ref (which would be a cycle) and recomputes every window whose count differs.
#}
select monitor_name, window_start, row_count from {{ ref('mm_window_counts') }}
