"""The field app: an installable, offline-first web app for team members, leaders and villagers."""
