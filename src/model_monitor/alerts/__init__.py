"""Alerting: the alert record, rules and their judging, the lifecycle (new, ongoing, resolved),
the store in the warehouse, notification channels, and the observations the rules read.

`run.py` is one alerting run end to end; `record.py` the Alert every other module passes on.
"""
