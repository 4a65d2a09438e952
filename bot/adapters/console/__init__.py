"""The console community: a local, scriptable sandbox that needs no token."""
