"""Runtime: the App, the dispatcher and Context, cog discovery, serving the platforms."""
