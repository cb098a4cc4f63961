"""The release, in one place: the package, the cache key and --version read it here."""

__version__ = "0.1.0"
