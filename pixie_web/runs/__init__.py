"""Running tools: the run itself, its records, artefacts and streams."""
