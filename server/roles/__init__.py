"""Roles granted on units: a grant gives its role over the unit's whole subtree."""
