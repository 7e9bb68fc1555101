"""Button, checkbox and modal listeners; each module registers its own with `register(app)`."""
