"""Services: one unit of work per user action, between the Slack listeners and storage."""
