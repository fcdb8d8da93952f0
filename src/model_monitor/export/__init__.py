"""Export of the latest window's metrics as a format-neutral snapshot (load.py is the entry)."""
