"""The `{name:id}` path convertor: a row id of at most ten digits; a longer one is not found."""

# Starlette's `:int` matches any run of digits and fails (a 500) on
# one longer than Python reads; past ten digits this one does not match, so the path is simply not
# found, and an id past int32 is refused by parameter_bounds.

from __future__ import annotations

from starlette.convertors import IntegerConvertor, register_url_convertor


class RowIdConvertor(IntegerConvertor):
    regex = "[0-9]{1,10}"


register_url_convertor("id", RowIdConvertor())
