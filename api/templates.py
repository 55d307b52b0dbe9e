"""HTML from Jinja2 templates with autoescaping (``static/templates``; a settings directory may
override any of them by name).

Jinja2 is imported with the first template rendered, not with the app: a start serves the map
page from its stored copy, and the import (a tenth of a second) is start-up time."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "static" / "templates"


@lru_cache(maxsize=8)
def environment(override_dir: str | None = None):
    """The template environment (a ``jinja2.Environment``): autoescaping on for every template,
    undefined names are errors."""
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

    loaders = [FileSystemLoader(override_dir)] if override_dir else []
    loaders.append(FileSystemLoader(TEMPLATE_DIR))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number"] = lambda v, digits=0: "—" if v is None else f"{v:,.{digits}f}"
    return env


def render(name: str, override_dir: str | None = None, **context) -> str:
    """Render the template ``name`` with ``context``."""
    return environment(override_dir).get_template(name).render(**context)
