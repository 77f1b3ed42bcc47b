"""Repository URLs compare as host and path, whatever the scheme, credentials, `.git` or case;
a URL no parser accepts matches nothing rather than failing a delivery."""

from __future__ import annotations

import pytest

from tmse.devops.code.repository_urls import base_url, normalised, without_credentials


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/Octo/Repo",
        "https://github.com/octo/repo.git",
        "http://user:token@GitHub.com/octo/repo/",
        "git@github.com:Octo/Repo.git",
        "ssh://git@github.com/octo/repo.git",
        "github.com/octo/repo",
    ],
)
def test_spellings_of_one_repository_compare_equal(url):
    assert normalised(url) == "github.com/octo/repo"


@pytest.mark.parametrize(
    "url", [None, "", "   ", "https://github.com", "http://[::1/x", "h:99999/a"]
)
def test_text_naming_no_repository_is_none(url):
    assert normalised(url) is None


def test_the_repository_url_is_cut_from_a_commit_url():
    commit = "https://github.com/Codertocat/Hello-World/commit/6113728f"
    assert base_url("Codertocat/Hello-World", [None, commit]) == (
        "https://github.com/Codertocat/Hello-World"
    )
    # A name that is only the start of a path segment is not the repository.
    assert base_url("octo/re", ["https://github.com/octo/repo/pull/1"]) is None
    assert base_url("a/b", ["https://tok@host/a/b/-/commit/1"]) == "https://host/a/b"


def test_credentials_are_taken_out_of_a_url():
    assert without_credentials("https://ci:s3cret@git.example/a/b.git") == (
        "https://git.example/a/b.git"
    )
    assert without_credentials("git@github.com:a/b.git") == "git@github.com:a/b.git"
    assert without_credentials("http://[broken") is None
