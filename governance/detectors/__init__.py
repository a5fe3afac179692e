"""Anomaly detectors over loaded count series; importing the package registers them all."""
