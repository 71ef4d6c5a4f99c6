"""Help requests: villagers ask, the village team answers."""
