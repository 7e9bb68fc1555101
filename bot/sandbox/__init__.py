"""A local Slack for tests, the demo and benchmarks.

- `LocalSandbox` (bot.sandbox.server): the Web API on 127.0.0.1, strict about every call.
- `RemoteSandbox` (bot.sandbox.remote): the same operations on a sandbox in another process.
- `Workspace` (bot.sandbox.driver): people who type, click and submit, signed as Slack signs;
  `install` walks an OAuth install as a browser would (bot.sandbox.browser).
- Several workspaces, each with its own bot token, and Slack's OAuth exchange
  (`add_workspace`, `register_app`, `/oauth/v2/authorize`, `oauth.v2.access`): bot.sandbox.teams.
- `render_message`, `render_view`, `parse_choice`, `apply_choice` (bot.sandbox.render): the
  terminal.
"""
