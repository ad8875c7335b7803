"""Route modules, one per area: the JSON API and the pages."""
