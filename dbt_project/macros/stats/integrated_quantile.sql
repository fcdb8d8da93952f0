{#-
  The integral of the reference quantile function up to position `pos` (in reference ranks), on
  the centered values: RR(pos) = centered_prefix_sum(k) + (pos - (k - 1)) * (r_k - mean), k = ceil(pos),
  `rank_row` being the reference row of rank k (mm_reference_numeric); 0 when there is none.
  wasserstein_term's RR.
-#}
{% macro integrated_quantile(pos, rank_row) -%}
  coalesce({{ rank_row }}.centered_prefix_sum + ({{ pos }} - ({{ rank_row }}.value_rank - 1)) * ({{ rank_row }}.value - {{ rank_row }}.value_mean), 0)
{%- endmacro %}
