"""Event health: components, the weighted score and its caps, grades, roll-ups and explanations."""
