"""The scheduler: reminders, digests and follow-ups swept from the database, each sent once.

- `calendar`, `policies`, `due`: pure rules of what is due at `now` (local times, working days).
- `digest`: the weekly digests of a batch of cities from a few bulk reads.
- `sweep`: load, claim in the notification ledger, send, record (the duplicate window is there).
- `sending`: the sender protocol and per-channel pacing; `ticker`: APScheduler as a ticker.
"""
