"""Notifications: an outbox written in the same transaction as the change, delivered by FCM."""
