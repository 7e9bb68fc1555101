"""The interview: the conversation as a pure state machine over a snapshot, and typed replies.

- `model`: the snapshot (a person's assigned criteria, the answers, the place), the events and
  the transition the engine returns.
- `views`: the replies as view models, which the Slack builders render.
- `engine`: `step(snapshot, event, rubric, now) -> Transition`, driven by one declared table.
- `parser`: typed replies in the DM ("1 3", "none", "not sure", ...) as commands or a hint.
- `pause`: when a pause ends ("tomorrow", "next week", "I'll come back myself").

Nothing here touches the database or Slack.
"""
