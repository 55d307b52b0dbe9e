"""Layers of the atlas: specs, builders, curated data and the catalog that builds and queries them.

The one list of layers is :data:`layers.registry.REGISTRY`. Importing this package reads no data
and imports neither FastAPI nor Folium.
"""
