"""Repository functions: keyword-only, session first, never commit (the caller's unit of work does).

One module per aggregate: `orgs` (workspaces, cities, people, roles), `assessments` (rounds and
assignments), `answers`, `progress`, `plans`, `ledger` (outgoing sends) and `events` (Slack
retries).
"""

from __future__ import annotations


class RecordNotFoundError(LookupError):
    """A row looked up by id does not exist; carries what was looked for."""

    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"{kind} {key} not found")
        self.kind = kind
        self.key = key
