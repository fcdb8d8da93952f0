"""The published tables, as the Python side reads them: the one place that knows them.

- `names`: each table's name and the key columns they share;
- `statistics`: the drift statistics, their error bounds and p-values, declared once (every
  column list, metric list, export family and rule catalog derives from it);
- `metrics`: the data-quality, label-coverage and operations metrics, declared once the same way
  (the export's families, the rules' catalog, the ranges and alert messages derive from it);
- `pvalues`: p-values and their correction from the stored aggregates (scipy);
- `reader`: the SELECTs, built through the user's dbt adapter (quoting, optional tables, the
  WHERE clauses the readers share: monitor, windows, ranges, slices) and typed frames.

The report, the export, the alert observations and the drift and performance commands read the
warehouse through this package only.
"""
