"""Believable demo data, so a newcomer can sign in as anyone and explore."""
