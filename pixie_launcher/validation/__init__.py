"""The validator: does a tool honour the contract? Checks, fixtures, comparators and reports.

The pure parts (sample inputs, output shapes, tolerances, comparators, fixture files, the
report) are plain functions; ``pipeline`` runs the checks against a copy of the tool that the
validator starts for itself, never the warm process a user is running.
"""
