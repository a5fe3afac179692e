"""Metric definitions: the pure core (shape, grammar, semantics, hash, lineage, explanations).

Every module here except `load.py`, `store.py`, `guard.py` and `queries.py` is pure: it takes and returns
dataclasses and dicts and imports no ORM code, so the rules are tested without a database.
"""
