{#-
  Wasserstein-1 through quantile functions: W1 = integral over p in (0, 1] of |Q_ref(p) - Q_cur(p)|.
  On the current value x's slice of p, (lo, hi], Q_cur = x, and Q_ref crosses x at m = F_ref(x)
  (clamped into the slice), so the slice contributes
    x (m - lo) - (RR(m) - RR(lo)) + (RR(hi) - RR(m)) - x (hi - m),
  with RR the integral of Q_ref. Positions are in reference ranks (p * n_ref); values are centered
  on the reference mean to keep the prefix sums small. The caller sums this and divides by n_ref.
  integrated_quantile(pos) = centered_prefix_sum(k) + (pos - (k - 1)) * (r_k - mean), k = ceil(pos).
-#}
{% macro wasserstein_term(x_centered, lo_pos, mid_pos, hi_pos, rr_lo, rr_mid, rr_hi) %}
  {{ return(adapter.dispatch('wasserstein_term', 'model_monitor')(x_centered, lo_pos, mid_pos, hi_pos, rr_lo, rr_mid, rr_hi)) }}
{% endmacro %}

{% macro default__wasserstein_term(x_centered, lo_pos, mid_pos, hi_pos, rr_lo, rr_mid, rr_hi) -%}
  ({{ x_centered }} * ({{ mid_pos }} - {{ lo_pos }}) - ({{ rr_mid }} - {{ rr_lo }})
   + ({{ rr_hi }} - {{ rr_mid }}) - {{ x_centered }} * ({{ hi_pos }} - {{ mid_pos }}))
{%- endmacro %}
