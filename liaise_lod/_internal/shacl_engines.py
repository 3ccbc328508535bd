"""The SHACL engines that can validate, named here so that the command line need not import them."""

#: pySHACL (always installed) and TopBraid SHACL (Java, ``pip install 'liaise-lod[topbraid]'``).
ENGINES = ("pyshacl", "topbraid")
DEFAULT_ENGINE = "pyshacl"
