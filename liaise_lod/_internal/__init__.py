"""Plumbing: memory, processes, atomic swaps, progress and the rdflib/pySHACL adjustments the
pipeline runs on. Nothing here is public API; it may change in any release."""
