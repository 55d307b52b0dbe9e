"""Reading curated data files with a schema: a bad row stops the load naming file, row and reason."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, TypeVar

import yaml
from pydantic import BaseModel, BeforeValidator, Field, ValidationError

from layers.errors import LayerDataError

#: The curated data shipped with the package (the default data directory of a catalog).
DATA_DIR = Path(__file__).resolve().parent / "data"

M = TypeVar("M", bound=BaseModel)

#: A 6-digit administrative division code; YAML may write it as a number, we keep text.
Adcode = Annotated[str, BeforeValidator(lambda v: str(v)), Field(pattern=r"^\d{6}$")]


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        loc = ".".join(str(x) for x in err["loc"])
        parts.append(f"{loc}: {err['msg']}" if loc else err["msg"])
    return "; ".join(parts)


def load_rows(path: Path | str, model: type[M], layer: str) -> list[M]:
    """Load a YAML list from ``path`` and validate each item against ``model``.

    Rows are numbered from 1 in error messages, with the row's ``id`` (or ``key``) where it has one.

    Raises
    ------
    LayerDataError
        If the file is missing, is not a YAML list, or any row fails validation.
    """
    path = Path(path)
    name = path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LayerDataError(layer, "data file is missing", file=name) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise LayerDataError(layer, f"not valid YAML/UTF-8: {str(exc).splitlines()[0]}", file=name) from None
    if not isinstance(raw, list):
        raise LayerDataError(layer, "expected a YAML list of rows at top level", file=name)
    rows: list[M] = []
    for number, item in enumerate(raw, start=1):
        label = number
        if isinstance(item, dict) and (item.get("id") or item.get("key")):
            label = f"{number} ({item.get('id') or item.get('key')})"
        if not isinstance(item, dict):
            raise LayerDataError(layer, "row is not a mapping", file=name, row=label)
        try:
            rows.append(model.model_validate(item))
        except ValidationError as exc:
            raise LayerDataError(layer, _describe(exc), file=name, row=label) from None
    return rows
