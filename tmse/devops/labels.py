"""The translatable names of the DevOps sources a delivery comes from."""

from __future__ import annotations

from tmse.core.messages import NP_, Message

# Product names stay as they are in every language; the generic hooks get a name of their own.
SOURCE_LABELS: dict[str, Message] = {
    "generic": NP_("delivery source", "the generic hook"),
    "github": NP_("delivery source", "GitHub"),
    "gitlab": NP_("delivery source", "GitLab"),
    "jenkins": NP_("delivery source", "Jenkins"),
    "harbor": NP_("delivery source", "Harbor"),
    "sonarqube": NP_("delivery source", "SonarQube"),
}


def source_label(source: str | None) -> Message | str:
    """A source's name to show; one no label knows shows as its code."""
    return SOURCE_LABELS.get(source or "", source or "")
