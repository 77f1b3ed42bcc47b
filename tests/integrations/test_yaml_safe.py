"""The one YAML reader: ordinary documents (anchors, merge keys, many documents) read as before;
alias bombs, self-reference and deep nesting are refused at once, naming the line."""

from __future__ import annotations

import tracemalloc

import pytest
import yaml

from tests.helpers.yaml_bombs import ALIAS_BOMB, MERGE_BOMB
from tmse.integrations import yaml_safe


def test_ordinary_documents_read_as_safe_load_reads_them() -> None:
    text = """
defaults: &defaults {owner: team-a, lifecycle: production}
service:
  <<: *defaults
  name: pay
  tags: [a, b]
  ports: [80, 443]
  when: 2026-01-02
"""
    assert yaml_safe.load(text) == yaml.safe_load(text)
    assert yaml_safe.load("") is None
    documents = yaml_safe.load_with_nodes("a: 1\n---\nb: [x]\n")
    assert [data for _, data in documents] == [{"a": 1}, {"b": ["x"]}]
    assert documents[1][0].start_mark.line == 2


def test_reused_anchors_within_the_bound_are_fine() -> None:
    text = "base: &b {" + ", ".join(f"k{i}: v" for i in range(100)) + "}\n"
    text += "\n".join(f"copy{i}: *b" for i in range(400))
    data = yaml_safe.load(text)
    assert data["copy399"]["k99"] == "v"


@pytest.mark.parametrize("text", [ALIAS_BOMB, MERGE_BOMB], ids=["sequences", "mappings"])
def test_an_alias_bomb_is_refused_with_flat_memory(text: str) -> None:
    assert len(text) < 1000
    tracemalloc.start()
    try:
        with pytest.raises(yaml_safe.YamlRefused) as refused:
            yaml_safe.load(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 2**20
    assert "aliases expand to more than 100000 nodes" in str(refused.value)
    assert refused.value.problem_mark is not None


def test_self_reference_and_deep_nesting_are_refused() -> None:
    with pytest.raises(yaml.YAMLError, match="refers to the collection that contains it"):
        yaml_safe.load("a: &a [x, *a]\n")
    deep = "".join(f"{'  ' * level}k:\n" for level in range(300)) + f"{'  ' * 300}v\n"
    with pytest.raises(yaml.YAMLError, match="nesting deeper than 200"):
        yaml_safe.load(deep)
    with pytest.raises(yaml.YAMLError):
        yaml_safe.load("[" * 100_000 + "]" * 100_000)


def test_unsafe_tags_stay_refused() -> None:
    with pytest.raises(yaml.YAMLError):
        yaml_safe.load("!!python/object/apply:os.system ['true']\n")
