"""How tools stream: Server-Sent Events from a tool's ``/stream``, read into output updates.

Both the web process (relaying a run to the browser and storing what it built up) and the
validator (checking that a streaming tool streams) read tool streams, so the parsing and the
rules for applying an event to an output live here, once.
"""
