"""The atlas web service: FastAPI app factory, GeoJSON API, downloads and map pages."""
