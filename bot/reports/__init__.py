"""Reports on a city's assessment: view models and renderings for terminals, exports and Slack."""
