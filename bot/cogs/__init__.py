"""Feature packages; each exposes `setup(services) -> Cog` and is discovered at start."""
