"""Feature packages; each exposes `setup(app) -> Cog` and is discovered at start."""
