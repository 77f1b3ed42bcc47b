"""SonarQube project-analysis webhook deliveries → quality gate facts. The DevOps domain calls
`verify_signature`, then `parse`; pure: nothing here knows the database.

A scanner run with `-Dsonar.analysis.tmseService=<service name>` names the tmse service the
analysis belongs to: SonarQube passes every `sonar.analysis.*` property on in the payload, and
the fact carries it as `tmse_service`."""

from tmse.integrations.sonarqube.analysis import parse
from tmse.integrations.sonarqube.errors import DeliveryRefused, SignatureRefused
from tmse.integrations.sonarqube.fields import MAX_BODY_BYTES
from tmse.integrations.sonarqube.model import TMSE_SERVICE_PROPERTY, GateCondition, QualityGateFact
from tmse.integrations.sonarqube.signature import HEADER, verify_signature

__all__ = [
    "HEADER",
    "MAX_BODY_BYTES",
    "TMSE_SERVICE_PROPERTY",
    "DeliveryRefused",
    "GateCondition",
    "QualityGateFact",
    "SignatureRefused",
    "parse",
    "verify_signature",
]
