"""Recognition pipeline: decode -> locate -> read MRZ -> orient -> read the visual zone ->
classify -> extract fields -> cross-check -> decide (plus quality, forgery and graphics)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from idreader.pipeline.reader import Options, read, warm_up

__all__ = ["Options", "read", "warm_up"]


def __getattr__(name: str) -> Any:
    # Lazy, so that modules the stages use (fields, ...) may import pipeline.types freely.
    if name in __all__:
        from idreader.pipeline import reader

        return getattr(reader, name)
    raise AttributeError(name)
