"""Code shared by Pixie's three processes: settings, the wire protocol and the tool.json model."""
