"""The translatable texts of delivery outcomes, the adapters' refusals among them."""

from __future__ import annotations

from tmse.core.messages import N_

# The adapters keep their refusal texts as plain constants (they import nothing of tmse); they
# are marked here so the catalogs translate them where the delivery log shows them.
REFUSALS = (
    N_("the delivery is larger than {limit} bytes"),
    N_("the delivery is not JSON: {reason}"),
    N_("the delivery is not UTF-8 text"),
    N_("the delivery nests deeper than {limit} levels"),
    N_("a required field is missing"),
    N_("expected {expected}, found {found}"),
    N_("the text is empty"),
    N_("the text is longer than {limit} characters"),
    N_("control characters are not allowed here"),
    N_("not a date and time with a time zone: {value}"),
    N_("the number {value} is out of range"),
    N_("unknown value: {value}"),
    N_("not a commit id: {value}"),
    N_("the payload is a {found} event, not {expected}"),
    N_("no secret is configured for this source"),
    N_("the signature header is missing"),
    N_("the signature header is not of the form sha256=<64 hex digits>"),
    N_("the Authorization header is not of the form Bearer <token>"),
    N_("the signature does not match the body"),
    N_("the token header is missing"),
    N_("the token does not match"),
    N_("the deployment cannot be recorded: {reason}"),
)
