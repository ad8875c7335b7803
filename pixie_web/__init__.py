"""The web process: a Quart app under Hypercorn serving pages, htmx fragments and the JSON /api."""
