"""What the Python peers load: the reference and the 30 days of history, from the DuckDB copy.

Imported by bench/peer.py (Evidently, in bench/.venv) and bench/nannyml_peer.py (NannyML, in
bench/.venv-nannyml): pandas and DuckDB only, so it imports in either environment.
"""

from __future__ import annotations

import duckdb
import pandas as pd
from scenario import CATEGORICAL, RAW_SCHEMA, SEGMENT_COLUMN

TARGET = "churned"
PREDICTION = "predicted_churn"
SCORE = "churn_score"
TIMESTAMP = "predicted_at"

REFERENCE_SQL = f"select * from {RAW_SCHEMA}.reference"
# The latest label of each prediction that arrived before the history ended (the same rule as the
# package's); predictions without one keep a NULL label.
CURRENT_SQL = f"""
with latest_labels as (
    select prediction_id, arg_max({TARGET}, labeled_at) as {TARGET}
    from {RAW_SCHEMA}.labels group by prediction_id
)
select p.* exclude (prediction_id), l.{TARGET}
from {RAW_SCHEMA}.predictions as p left join latest_labels as l using (prediction_id)
"""


def load_frame(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    """A query into pandas, text columns as `category` (what a careful user does at 10M rows)."""
    frame = con.execute(sql).df()
    for column in (*CATEGORICAL, SEGMENT_COLUMN):
        frame[column] = frame[column].astype("category")
    return frame
