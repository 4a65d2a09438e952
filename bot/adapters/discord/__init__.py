"""Discord: a discord.py client translated to and from Entraide's neutral events and replies."""
