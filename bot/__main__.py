"""`python -m bot` runs the same command line as `citycheck`."""

from bot.cli import main

main()
