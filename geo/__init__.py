"""Geometry, coordinate reference systems, datums and measurement.

Pure functions with no I/O of the project's own and no knowledge of web frameworks: the
``layers`` package builds data with them and the ``api`` package serves it.
"""
