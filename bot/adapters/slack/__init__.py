"""Slack: a slack-bolt app translated to and from Entraide's neutral events and replies."""
