"""The launcher process: discovers tools and (from the launcher issue on) owns every tool subprocess."""
