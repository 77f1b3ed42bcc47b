"""Core services that every domain stands on; imports no domain."""

# Routes are compiled when their modules are imported, and every route module imports tmse.core
# first: registering the `{name:id}` path convertor here makes it known before any route uses it.
from tmse.core import route_ids as _route_ids  # noqa: F401
