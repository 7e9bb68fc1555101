"""Block Kit builders: pure functions from view models (and a Translator) to messages and views.

Block Kit lives only here. Every message carries a plain `text` fallback for notifications and
screen readers; ids come from `bot.slack.ids`.
"""
