"""Monitoring of ML models in production, computed in the warehouse with dbt."""

__version__ = "0.1.0"
