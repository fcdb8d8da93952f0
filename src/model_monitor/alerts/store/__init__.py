"""The alert store: monitor_alerts and monitor_alert_deliveries (alert_store.py is the entry)."""
