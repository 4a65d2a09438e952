"""The signal a handler gives when an event is about a message the bot hasn't seen yet."""

from __future__ import annotations


class Unseen(Exception):
    """Raised by a handler: the event's message isn't known yet (it may still arrive). The
    event is not marked processed, so a later try or a redelivery can still apply it."""
