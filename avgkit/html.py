"""HTML from the package's jinja2 templates, with every value escaped (autoescape)."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import jinja2


@functools.cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("avgkit", "templates"),
        autoescape=True,  # names and notes come from portfolios and auditors: never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


@functools.cache
def stylesheet() -> str:
    return resources.files("avgkit").joinpath("templates", "avgkit.css").read_text("utf-8")


def fragment(macro: str, *args: Any, **kwargs: Any) -> str:
    """One macro of _macros.html.j2, wrapped in the stylesheet's scope (for widget panels)."""
    module = environment().get_template("_macros.html.j2").module
    return f'<div class="avgkit">{getattr(module, macro)(*args, **kwargs)}</div>'
