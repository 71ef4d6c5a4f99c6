"""Coverage: how far each unit's people are reached, per indicator and period, from aggregates kept on write."""
