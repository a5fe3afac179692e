"""Anomaly detectors over loaded count series; importing the package registers them all."""

from governance.detectors import silence, volume

__all__ = ["silence", "volume"]
