"""Scheduled work: the database says what is due; APScheduler only wakes the bot up."""
