"""Sign-in with Firebase ID tokens, users, and the caller's scope."""
