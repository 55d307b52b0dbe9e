"""Layers of the atlas: one module per layer, each with ``SPEC`` and ``build()``.

The registry below is explicit on purpose (grep-able, no auto-discovery). Importing this package
reads no data and imports neither FastAPI nor Folium.
"""

from __future__ import annotations

import importlib
from types import ModuleType

#: layer id → module path, in catalogue order (base layers first).
REGISTRY: dict[str, str] = {
    "provinces": "layers.provinces",
    "cities": "layers.cities",
    "counties": "layers.counties",
    "economic_circle": "layers.economic_circle",
    "zones": "layers.zones",
    "rivers": "layers.rivers",
    "rail": "layers.rail",
    "highways": "layers.highways",
    "waterways": "layers.waterways",
    "ports": "layers.ports",
    "airports": "layers.airports",
    "hubs": "layers.hubs",
    "water_resources": "layers.water_resources",
    "places": "layers.places",
    "layout": "layers.layout",
}


def layer_module(layer_id: str) -> ModuleType:
    """The module of a registered layer."""
    from layers.errors import UnknownLayerError

    if layer_id not in REGISTRY:
        raise UnknownLayerError(f"unknown layer {layer_id!r}; known layers: {', '.join(REGISTRY)}")
    return importlib.import_module(REGISTRY[layer_id])


_BUILT: dict[str, object] = {}


def built(layer_id: str):
    """The layer's ``build()`` result, computed once per process and shared.

    Layers that draw on others (projects on zones, layout on rivers, rail and zones) call this,
    and so does the catalog, so every layer is built once however many depend on it. Callers
    must not modify the frame they get.
    """
    if layer_id not in _BUILT:
        _BUILT[layer_id] = layer_module(layer_id).build()
    return _BUILT[layer_id]
