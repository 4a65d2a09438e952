"""Entraide: a community support bot for Discord, Slack and a local console."""
