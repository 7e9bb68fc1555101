"""The scenarios of `citycheck bench`, one module each; `bot.bench.runner.scenarios` lists them."""
