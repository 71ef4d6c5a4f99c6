"""Community digital technology teams, each attached to a commune or village."""
