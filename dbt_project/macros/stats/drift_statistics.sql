{#-
  The drift statistics of monitor_drift, declared once. Every list of them (the model's columns,
  monitor_metrics, expect_drift_statistic_below, the empty relations of the intermediate models)
  reads this. Each entry:
    name         its column in monitor_drift
    source       'bins': from the value bins (shares p, q and counts, NULL bucket excluded);
                 'values': from the raw finite values (mm_value_drift, mm_binned_drift)
    error_bound  the column of its guaranteed error bound (binned drift_method), or none
    description  one line (schema.yml documents the column at length)
  and, for a bin statistic, how monitor_drift computes it from the bins:
    term         the dispatched macro of one bin's term (macros/stats/<term>.sql)
    term_args    the term's arguments, among p, q, ref_count, cur_count, ref_total, cur_total, epsilon
    aggregate    'sum' or 'max' over the bins
    value        the statistic from that aggregate, written `{total}`
  A new bin statistic is one term macro and one entry here (plus its schema.yml line).
  `source` ('bins' or 'values') keeps only those statistics.
-#}
{% macro drift_statistics(source=none) %}
  {%- set statistics = [
    {'name': 'psi', 'source': 'bins', 'error_bound': none,
     'description': 'Population stability index: sum((q - p) ln(q / p)), empty shares replaced by epsilon.',
     'term': 'psi_term', 'term_args': ['p', 'q', 'epsilon'], 'aggregate': 'sum', 'value': '{total}'},
    {'name': 'chi_square', 'source': 'bins', 'error_bound': none,
     'description': "Pearson's chi-square of homogeneity on the 2 x k table of counts.",
     'term': 'chi_square_term', 'term_args': ['ref_count', 'cur_count', 'ref_total', 'cur_total'],
     'aggregate': 'sum', 'value': '{total}'},
    {'name': 'js_distance', 'source': 'bins', 'error_bound': none,
     'description': 'Jensen-Shannon distance, base 2: sqrt(0.5 KL(p || m) + 0.5 KL(q || m)).',
     'term': 'js_divergence_term', 'term_args': ['p', 'q'], 'aggregate': 'sum',
     'value': 'sqrt(greatest({total}, 0))'},
    {'name': 'hellinger', 'source': 'bins', 'error_bound': none,
     'description': 'Hellinger distance: sqrt(0.5 * sum((sqrt(p) - sqrt(q))^2)).',
     'term': 'hellinger_term', 'term_args': ['p', 'q'], 'aggregate': 'sum', 'value': 'sqrt(0.5 * {total})'},
    {'name': 'tv_distance', 'source': 'bins', 'error_bound': none,
     'description': 'Total variation distance: 0.5 * sum(|p - q|).',
     'term': 'tv_distance_term', 'term_args': ['p', 'q'], 'aggregate': 'sum', 'value': '0.5 * {total}'},
    {'name': 'l_infinity', 'source': 'bins', 'error_bound': none,
     'description': 'Largest absolute difference of bin shares: max(|p - q|).',
     'term': 'l_infinity_term', 'term_args': ['p', 'q'], 'aggregate': 'max', 'value': '{total}'},
    {'name': 'kl_divergence', 'source': 'bins', 'error_bound': none,
     'description': 'Kullback-Leibler divergence of the window from the reference: sum(q ln(q / p)), empty reference shares replaced by epsilon.',
     'term': 'kl_divergence_term', 'term_args': ['p', 'q', 'epsilon'], 'aggregate': 'sum', 'value': '{total}'},
    {'name': 'ks_statistic', 'source': 'values', 'error_bound': 'ks_error_bound',
     'description': 'Two-sample Kolmogorov-Smirnov statistic: sup |F_ref - F_cur|.'},
    {'name': 'wasserstein', 'source': 'values', 'error_bound': 'wasserstein_error_bound',
     'description': 'Wasserstein-1 distance between the finite values.'},
    {'name': 'wasserstein_normed', 'source': 'values', 'error_bound': 'wasserstein_normed_error_bound',
     'description': "wasserstein divided by the reference's population standard deviation."},
  ] -%}
  {%- if source is none -%}
    {{ return(statistics) }}
  {%- elif source in ('bins', 'values') -%}
    {{ return(statistics | selectattr('source', 'equalto', source) | list) }}
  {%- else -%}
    {{ exceptions.raise_compiler_error("model_monitor: drift_statistics, argument `source`: expected one of bins, values; got " ~ (source | string)) }}
  {%- endif -%}
{% endmacro %}
