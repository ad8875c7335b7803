"""Pixie's store: the one process that owns the SQLite database, serving it to the others over PX1.

``service`` wires the process; ``db`` holds the connections and the write discipline;
``migrations`` and the ``schema_vN.sql`` files define the schema; ``ops`` holds the operations.
"""
