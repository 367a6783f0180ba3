"""Recognition pipeline: decode -> locate -> quality/forgery/graphics -> decide."""

from idreader.pipeline.reader import Options, read

__all__ = ["Options", "read"]
