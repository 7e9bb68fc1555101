"""`python -m bot.sandbox`: the sandbox Slack in its own process (same as `citycheck sandbox`)."""

from __future__ import annotations

import argparse
import sys

from bot.sandbox.core import DEFAULT_BOT_TOKEN
from bot.sandbox.server import LocalSandbox, run_until_signalled


def main(argv: list[str] | None = None) -> None:
    """Parse options and serve until stopped."""
    parser = argparse.ArgumentParser(prog="python -m bot.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    parser.add_argument("--bot-token", default=DEFAULT_BOT_TOKEN, help="the bot token to accept")
    options = parser.parse_args(argv)
    sandbox = LocalSandbox(host=options.host, port=options.port, bot_token=options.bot_token)
    run_until_signalled(sandbox, lambda line: print(line, flush=True, file=sys.stdout))


if __name__ == "__main__":
    main()
