"""Chat platforms: each adapter translates platform input to core events and renders Replies."""
