"""The jinja2 environment for avgkit's own HTML templates (avgkit/templates): autoescape on,
so every value from an assessment or portfolio is escaped."""

from __future__ import annotations

import functools

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@functools.cache
def environment() -> Environment:
    return Environment(loader=PackageLoader("avgkit", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
