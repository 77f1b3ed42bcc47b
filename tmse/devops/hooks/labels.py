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

# The Harbor and SonarQube adapters' refusal texts, marked for the same reason.
TOOL_REFUSALS = (
    N_("the body is {size} bytes, more than the limit of {limit}"),
    N_("the body is not JSON: {reason}"),
    N_("required field is missing"),
    N_("expected {expected}, found {found}"),
    N_("must not be empty"),
    N_("longer than {limit} characters"),
    N_("more than {limit} entries"),
    N_("control characters are not allowed"),
    N_("{value} is not a valid {kind}"),
    N_("{value} is not a time in seconds since 1970"),
    N_("{value} is not an RFC 3339 time with a zone"),
    N_("{value} is not a digest of the form algorithm:hex"),
    N_("{value} is negative"),
    N_("{value} is larger than {limit}"),
    N_("{value} is not one of {choices}"),
    N_("the {header} header is missing"),
    N_("the {header} header does not match the configured secret"),
    N_("{value} is not an ISO 8601 time with a zone"),
    N_("{value} is not a sonar.analysis.* property"),
    N_("a delivery without taskId needs analysedAt or changedAt"),
    N_("the {header} header does not match the body and the configured secret"),
)
