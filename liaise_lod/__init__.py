"""liaise-lod: publish European cooperation projects as Linked Open Data."""

__version__ = "0.1.0"
