"""allegiance: a linked-data knowledge graph of the public record on collaboration with the Islamic State."""

__version__ = "0.1.0"  # the one version: pyproject.toml reads it from here ([tool.hatch.version])
