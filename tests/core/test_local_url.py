"""Redirect targets after sign-in and after opening a notification stay on this site."""

from __future__ import annotations

import pytest

from tmse.core.local_url import local_path


@pytest.mark.parametrize("url", ["/", "/requirements/7?tab=history", "/catalog/graph#svc-3"])
def test_paths_on_this_site_are_kept(url: str) -> None:
    assert local_path(url) == url


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/ /evil.example",
        "javascript:alert(1)",
        "/x\x00y",
    ],
)
def test_anything_that_could_leave_the_site_falls_back(url: str | None) -> None:
    assert local_path(url, "/notifications") == "/notifications"
