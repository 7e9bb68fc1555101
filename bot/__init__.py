"""citycheck: a city's data-practices self-assessment, run as a conversation in Slack."""
