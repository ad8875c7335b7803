"""Taking a run away from Pixie: a zip of its record and files, and a readable markdown report.

Both are streamed (``zipstream``), so a run with large files never sits whole in memory; the
names inside a zip are cleaned by ``names`` because they come from tools and must never climb
out of the folder someone unzips them into. ``report`` turns each output into markdown a reader
can follow in any viewer, and ``svg`` draws the common charts as static images for it.
"""
