"""One error table: domain exceptions → HTTP status, with an OGC-style JSON body."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from pydantic import BaseModel
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from geo.errors import GeoError
from layers.catalog import LayerUnavailableError
from layers.errors import QueryError, UnknownFeatureError, UnknownLayerError

log = logging.getLogger(__name__)


class AtlasError(Exception):
    """Base class for errors the API reports to users."""


class BadParameter(AtlasError):
    """A query parameter has a wrong value."""


class ConversionError(AtlasError):
    """A download could not be written in the requested format."""


STATUS: dict[type[Exception], tuple[int, str]] = {
    UnknownLayerError: (404, "NotFound"),
    UnknownFeatureError: (404, "NotFound"),
    LayerUnavailableError: (503, "LayerUnavailable"),
    GeoError: (400, "InvalidParameterValue"),
    QueryError: (400, "InvalidParameterValue"),
    BadParameter: (400, "InvalidParameterValue"),
    ConversionError: (500, "ConversionFailed"),
}


class ErrorBody(BaseModel):
    """Body of every error response."""

    code: str
    description: str


#: Declared on every router so the OpenAPI document lists what a client can get back.
ERROR_RESPONSES: dict = {
    400: {"model": ErrorBody, "description": "A parameter has a wrong value; the description says which and why"},
    404: {"model": ErrorBody, "description": "No such layer, collection or feature"},
    422: {"model": ErrorBody, "description": "A parameter fails validation (type, range, allowed values)"},
    500: {"model": ErrorBody, "description": "A download could not be written, or an internal error (logged)"},
    503: {"model": ErrorBody, "description": "The layer is registered but failed to build"},
}


def error_body(code: str, description: str) -> dict:
    """The JSON body of every error response."""
    return {"code": code, "description": description}


def register_error_handlers(app: FastAPI) -> None:
    """Map the error table and framework errors to JSON responses; never leak a traceback."""

    def handler(status: int, code: str):
        async def _handle(request: Request, exc: Exception) -> JSONResponse:
            if status >= 500:
                log.error("%s on %s: %s", code, request.url.path, exc, exc_info=exc)
            return JSONResponse(error_body(code, str(exc)), status_code=status)

        return _handle

    for exc_class, (status, code) in STATUS.items():
        app.add_exception_handler(exc_class, handler(status, code))

    async def validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for err in exc.errors()[:5]:
            loc = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "path"))
            parts.append(f"{loc}: {err.get('msg')}")
        return JSONResponse(error_body("InvalidParameterValue", "; ".join(parts)), status_code=422)

    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "NotFound", 405: "MethodNotAllowed"}.get(exc.status_code, "HTTPError")
        detail = str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no route for {request.url.path[:200]!r}; see /docs for the API"
        return JSONResponse(error_body(code, detail), status_code=exc.status_code, headers=getattr(exc, "headers", None))

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error on %s", request.url.path, exc_info=exc)
        return JSONResponse(error_body("ServerError", "internal error; it has been logged"), status_code=500)

    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)
