"""The live-data pipeline: validation, privacy screening and aggregation of samples."""
