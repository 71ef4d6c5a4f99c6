"""Administrative units: one tree of any depth, nation → province → [district] → commune → village."""
