"""Reading one delivery before anything is written: the source's check of the secret, then its
adapter; a refusal keeps what the log may show (the reason), never the delivery's content."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tmse.core.messages import Message, message
from tmse.integrations import github, gitlab, harbor, jenkins, sonarqube
from tmse.integrations.cicd_events import DeliveryBatch, DeliveryRefused, SignatureRefused
from tmse.integrations.cicd_events.reading import DEFAULT_MAX_BYTES

Headers = Mapping[str, str]
# What a source's adapter reads from a delivery.
Payload = DeliveryBatch | harbor.HarborDelivery | sonarqube.QualityGateFact
SONAR_EVENT = "project-analysis"
# Parameters that quote the delivery's own values: shown to the sender, never logged.
_QUOTED = frozenset({"value", "found", "reason"})
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_LOGGED_LENGTH = 200


@dataclass(frozen=True)
class Logged:
    """The delivery log line's outcome fields."""

    outcome: str
    status_code: int
    note: Message
    created: int = 0
    updated: int = 0


@dataclass(frozen=True)
class Refusal:
    """Why a delivery was turned away: the HTTP status, and the reason as a message."""

    status_code: int
    note: Message
    field: str | None = None
    detail: str | None = None  # the reason in English with every value, for the sender only

    @classmethod
    def of_signature(cls, error: SignatureRefused) -> Refusal:
        return cls(401, _at(error.header, error.message, error.params), error.header, str(error))

    @classmethod
    def of_body(cls, error: DeliveryRefused) -> Refusal:
        return cls(422, _at(error.field, error.message, error.params), error.field, str(error))

    @classmethod
    def of_tool(
        cls, status_code: int, error: harbor.DeliveryRefused | sonarqube.DeliveryRefused
    ) -> Refusal:
        """A Harbor or SonarQube refusal: its header or field, text and parameters."""
        return cls(status_code, _at(error.field, error.text, error.params), error.field, str(error))

    def logged(self) -> Logged:
        return Logged("refused", self.status_code, self.note)


@dataclass(frozen=True)
class ReadDelivery:
    """A delivery checked and read: its batch, or why it was refused."""

    event: str | None
    delivery_id: str | None
    batch: Payload | None
    refusal: Refusal | None


def read_delivery(
    kind: str, secret: str, enabled: bool, headers: Headers, body: bytes
) -> ReadDelivery:
    """Check a delivery to a source of `kind` with `secret`, then read it."""
    event_header, delivery_header = _HEADERS[kind]
    event = loggable(headers.get(event_header)) if event_header else None
    delivery_id = loggable(headers.get(delivery_header)) if delivery_header else None
    if not enabled:
        refusal = Refusal(403, message("The source is disabled"))
        return ReadDelivery(event, delivery_id, None, refusal)
    try:
        _VERIFIERS[kind](secret, headers, body)
    except SignatureRefused as error:
        return ReadDelivery(event, delivery_id, None, Refusal.of_signature(error))
    except (harbor.SignatureRefused, sonarqube.SignatureRefused) as error:
        return ReadDelivery(event, delivery_id, None, Refusal.of_tool(401, error))
    try:
        batch = _PARSERS[kind](headers, body)
    except DeliveryRefused as error:
        return ReadDelivery(event, delivery_id, None, Refusal.of_body(error))
    except (harbor.DeliveryRefused, sonarqube.DeliveryRefused) as error:
        return ReadDelivery(event, delivery_id, None, Refusal.of_tool(422, error))
    event, delivery_id = identity(batch, delivery_id)
    return ReadDelivery(event, delivery_id, batch, None)


def identity(payload: Payload, delivery_id: str | None) -> tuple[str | None, str | None]:
    """The event and delivery id the log keeps for a delivery read."""
    if isinstance(payload, DeliveryBatch):
        return payload.event, payload.delivery_id
    if isinstance(payload, harbor.HarborDelivery):
        return payload.event_type, loggable(payload.event_id) or delivery_id
    return SONAR_EVENT, loggable(payload.task_id) or delivery_id


def loggable(value: str | None) -> str | None:
    """A header's value as the log may keep it: one short printable line, else nothing."""
    if value is None or _UNPRINTABLE.search(value) or not value.strip():
        return None
    return value.strip()[:_LOGGED_LENGTH]


def _at(where: str, text: str, params: Mapping[str, object]) -> Message:
    kept = {name: ("…" if name in _QUOTED else value) for name, value in params.items()}
    return message("{where}: {reason}", where=where[:_LOGGED_LENGTH], reason=Message(text, kept))


def _verify_github(secret: str, headers: Headers, body: bytes) -> None:
    github.verify_signature(secret.encode("utf-8"), body, headers.get(github.SIGNATURE_HEADER))


def _verify_gitlab(secret: str, headers: Headers, body: bytes) -> None:
    gitlab.verify_token(secret, headers.get(gitlab.TOKEN_HEADER))


def _verify_jenkins(secret: str, headers: Headers, body: bytes) -> None:
    authorization = headers.get(jenkins.AUTHORIZATION_HEADER)
    jenkins.verify_token(secret, authorization, headers.get(jenkins.TOKEN_HEADER))


def _verify_harbor(secret: str, headers: Headers, body: bytes) -> None:
    harbor.verify_auth(secret, headers.get("Authorization"))


def _verify_sonarqube(secret: str, headers: Headers, body: bytes) -> None:
    sonarqube.verify_signature(secret.encode("utf-8"), body, headers.get(sonarqube.HEADER))


def _parse_harbor(headers: Headers, body: bytes) -> Payload:
    return harbor.parse(body)


def _parse_sonarqube(headers: Headers, body: bytes) -> Payload:
    return sonarqube.parse(body)


def _parse_github(headers: Headers, body: bytes) -> DeliveryBatch:
    event = headers.get(github.EVENT_HEADER)
    return github.parse(event, body, headers.get(github.DELIVERY_HEADER))  # type: ignore[arg-type]


def _parse_gitlab(headers: Headers, body: bytes) -> DeliveryBatch:
    event = headers.get(gitlab.EVENT_HEADER)
    return gitlab.parse(event, body, headers.get(gitlab.DELIVERY_HEADER))  # type: ignore[arg-type]


def _parse_jenkins(headers: Headers, body: bytes) -> DeliveryBatch:
    return jenkins.parse(body, headers.get(jenkins.DELIVERY_HEADER), max_bytes=DEFAULT_MAX_BYTES)


# A missing event header is the adapter's to refuse (it names the header).
# Harbor and SonarQube send neither header: the event and its id are read from the body.
_HEADERS: dict[str, tuple[str | None, str | None]] = {
    "github": (github.EVENT_HEADER, github.DELIVERY_HEADER),
    "gitlab": (gitlab.EVENT_HEADER, gitlab.DELIVERY_HEADER),
    "jenkins": (None, jenkins.DELIVERY_HEADER),
    "harbor": (None, None),
    "sonarqube": (None, None),
}
_VERIFIERS: dict[str, Callable[[str, Headers, bytes], None]] = {
    "github": _verify_github,
    "gitlab": _verify_gitlab,
    "jenkins": _verify_jenkins,
    "harbor": _verify_harbor,
    "sonarqube": _verify_sonarqube,
}
_PARSERS: dict[str, Callable[[Headers, bytes], Payload]] = {
    "github": _parse_github,
    "gitlab": _parse_gitlab,
    "jenkins": _parse_jenkins,
    "harbor": _parse_harbor,
    "sonarqube": _parse_sonarqube,
}
