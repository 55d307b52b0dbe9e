"""Domain errors raised by :mod:`layers`."""


class LayerError(Exception):
    """Base class for layer errors."""


class LayerDataError(LayerError):
    """Curated data or a built layer breaks a rule; the message names layer, file, row and rule."""

    def __init__(self, layer: str, rule: str, file: str | None = None, row: int | str | None = None):
        self.layer, self.rule, self.file, self.row = layer, rule, file, row
        where = f"{file}" if file else ""
        if row is not None:
            where += f" row {row}"
        super().__init__(f"layer {layer!r}{': ' + where if where else ''}: {rule}")


class UnknownLayerError(LayerError, KeyError):
    """No layer with that id is registered."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "unknown layer"


class UnknownFeatureError(LayerError, KeyError):
    """No feature with that id exists in any layer."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown feature"


class QueryError(LayerError, ValueError):
    """A filter that does not apply to the layer or has a value of the wrong type."""
