"""Direct dispatch: the plain GET endpoints called without FastAPI's per-request analysis.

FastAPI works out on every request, from the annotations, how each parameter is read (is it a
sequence, a model, which aliases): for the collection endpoints, with their dozen query
parameters and nested dependencies, that costs about 0.7 ms, more than the work itself
(selecting through the spatial index and joining stored bytes, 0.3–0.5 ms). Here that
analysis is done once per route, from FastAPI's own analysis of it (``route.dependant``), into
a plan: which value comes from where, validated by which field, passed to which call.

A route gets a plan when everything in it can be read this way: a GET endpoint that is a
coroutine, declares ``response_class=Response`` (it builds its own response) and takes only
the Request, path and query values of single (non-sequence) types, and dependencies of the
same kind. Nothing is listed by hand: the routes that qualify are found by looking.

Behaviour stays FastAPI's. Each value is validated by its own field, as FastAPI does; a
request the plan does not carry to a response — a missing or invalid value, an exception from
a dependency or the endpoint, a route without a plan, a HEAD — goes on to the app unchanged,
which answers it as always (errors through the registered handlers). Nothing is sent before
the endpoint has returned its response, so a fallback never follows a partial answer.
``tests/api/test_direct.py`` compares responses with and without this, byte for byte.
"""

from __future__ import annotations

import asyncio
import copy
from dataclasses import dataclass

from fastapi._compat import ModelField
from fastapi._compat.shared import field_annotation_is_sequence
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match


class _NoPlan(Exception):
    """The route uses something a plan does not carry (headers, bodies, sync calls, …)."""


class _Declined(Exception):
    """This request is left to FastAPI (a value is missing or invalid)."""


_IMMUTABLE = (type(None), bool, int, float, str, bytes, tuple, frozenset)


@dataclass(frozen=True, slots=True)
class _Value:
    name: str
    alias: str
    location: str  # "path" or "query"
    field: ModelField
    required: bool
    #: The value when absent, when it can be shared (immutable and not validated); else the
    #: field's default is copied and validated per request, as FastAPI does.
    shared_default: object = None
    shares_default: bool = False


@dataclass(frozen=True, slots=True)
class Plan:
    """How to call one dependant: its request parameter, its values, its dependencies."""

    call: object
    request_name: str | None
    values: tuple[_Value, ...]
    dependencies: tuple[tuple[str, "Plan"], ...]


def _values(fields: list[ModelField], location: str) -> tuple[_Value, ...]:
    out = []
    for field in fields:
        info = field.field_info
        annotation = info.annotation
        if field_annotation_is_sequence(annotation) or getattr(info, "validation_alias", None) not in (None, field.alias):
            raise _NoPlan(f"{location} parameter {field.name} is a sequence or has validation aliases")
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            raise _NoPlan(f"{location} parameter {field.name} is a model")
        required = info.is_required()
        default = None if required else field.default
        shares = not required and not info.validate_default and isinstance(default, _IMMUTABLE)
        out.append(_Value(field.name, field.alias, location, field, required, default if shares else None, shares))
    return tuple(out)


def compile_dependant(dependant: Dependant) -> Plan:
    """The plan for ``dependant``; raises ``_NoPlan`` when it takes anything a plan does not read."""
    unsupported = (dependant.header_params or dependant.cookie_params or dependant.body_params
                   or dependant.websocket_param_name or dependant.http_connection_param_name
                   or dependant.response_param_name or dependant.background_tasks_param_name
                   or dependant.security_scopes_param_name or dependant.own_oauth_scopes)
    if unsupported:
        raise _NoPlan("headers, cookies, bodies, responses, background tasks or security")
    if not asyncio.iscoroutinefunction(dependant.call):
        raise _NoPlan(f"{getattr(dependant.call, '__name__', dependant.call)} is not a coroutine function")
    dependencies = []
    for sub in dependant.dependencies:
        if not sub.use_cache or sub.name is None:
            raise _NoPlan("an uncached or unnamed dependency")
        dependencies.append((sub.name, compile_dependant(sub)))
    return Plan(dependant.call, dependant.request_param_name,
                _values(dependant.path_params, "path") + _values(dependant.query_params, "query"),
                tuple(dependencies))


def routes(router) -> list:
    """The router's routes in its matching order, included routers flattened (FastAPI ≥ 0.12x
    keeps included routes behind a context that carries their effective path and dependant)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: included routes are copied into the router
        return list(router.routes)
    return list(iter_route_contexts(router.routes))


def route_plan(route) -> Plan | None:
    """The plan of a route, or None when it has none (see the module's description)."""
    if not isinstance(getattr(route, "original_route", route), APIRoute):
        return None
    if "GET" not in (route.methods or ()) or route.response_class is not Response or route.dependant is None:
        return None
    try:
        return compile_dependant(route.dependant)
    except _NoPlan:
        return None


async def _solve(plan: Plan, request: Request, path: dict, query, solved: dict):
    kwargs = {}
    for name, sub in plan.dependencies:
        if sub.call in solved:
            kwargs[name] = solved[sub.call]
        else:
            kwargs[name] = solved[sub.call] = await _solve(sub, request, path, query, solved)
    if plan.request_name is not None:
        kwargs[plan.request_name] = request
    for value in plan.values:
        raw = (path if value.location == "path" else query).get(value.alias)
        field = value.field
        if raw is None:
            if value.shares_default:
                kwargs[value.name] = value.shared_default
                continue
            if value.required:
                raise _Declined
            default = copy.deepcopy(field.default)
            if field.field_info.validate_default:
                default, errors = field.validate(default, {}, loc=(value.location, value.alias))
                if errors:
                    raise _Declined
            kwargs[value.name] = default
            continue
        validated, errors = field.validate(raw, {}, loc=(value.location, value.alias))
        if errors:
            raise _Declined
        kwargs[value.name] = validated
    return await plan.call(**kwargs)


class DirectRoutes:
    """ASGI middleware (innermost, just outside FastAPI's exception handling and router): GET
    requests whose route has a plan are answered by calling the endpoint through the plan.

    Routes are matched in the router's own order, with its own matching, so the route a
    request reaches is the one the router would choose.
    """

    def __init__(self, app, router):
        self.app = app
        self.router = router
        self._plans: list | None = None

    def plans(self) -> list:
        """Every route of the router with the literal start of its path and its plan (None:
        left to FastAPI), made on first use (the routes are all added by then)."""
        if self._plans is None:
            self._plans = [(str(getattr(route, "path", "") or "").split("{", 1)[0], route, route_plan(route))
                           for route in routes(self.router)]
        return self._plans

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        path, root = scope["path"], scope.get("root_path", "")
        route_path = path[len(root):] if root and path.startswith(root) else path
        for start, route, plan in self.plans():
            if not route_path.startswith(start):  # cannot match: skip the route's regular expression
                continue
            match, child = route.matches(scope)
            if match is Match.FULL:
                break
        else:
            plan = None
        if plan is None:
            await self.app(scope, receive, send)
            return
        inner = {**scope, **child}
        request = Request(inner, receive)
        try:
            response = await _solve(plan, request, inner["path_params"], request.query_params, {})
        except Exception:  # declined, invalid or failing: FastAPI answers it, as it would have
            await self.app(scope, receive, send)
            return
        if not isinstance(response, Response):
            await self.app(scope, receive, send)
            return
        await response(inner, receive, send)
