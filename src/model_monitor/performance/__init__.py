"""Model performance per window: metric names, the tables and their SQL, loading, summaries."""
