"""`citycheck demo`: the assessment on this machine, with the sandbox Slack and the real bot.

- `stage`: the temp folder, the database, the sandbox Slack and `citycheck run` against it.
- `city`: the sample city's people, set up and assigned through the coordinator's modals.
- `script`, `player`: a scripted team read from YAML and played step by step.
- `terminal`: the person at the keyboard, as a respondent or the coordinator.
- `transcript`, `report`: what the bot showed, and the final report and answers file.
"""
