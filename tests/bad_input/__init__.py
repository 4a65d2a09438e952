"""Bad input: one clear line, never a traceback (issue 15)."""
