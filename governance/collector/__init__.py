"""The Segment-compatible collector: /v1/track, page, screen, identify, group, alias, batch."""
