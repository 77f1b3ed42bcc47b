"""The one way tmse reads YAML: safe tags only, and a document whose aliases would expand past a
small bound, or that nests too deeply, is refused before anything is built from it."""

# A "billion laughs" document is a few hundred bytes of nodes that expand to billions when built;
# counting the expanded size on the composed node graph (shared nodes counted once per use) costs
# time linear in the text, so the refusal is immediate and needs no memory.

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml
from yaml.error import Mark, MarkedYAMLError

# libyaml's parser when present: it composes nodes several times faster than the Python one.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Nodes that aliases may add beyond those written out; real files with merge keys stay far below.
MAX_ALIAS_EXPANSION = 100_000
# Collections inside collections; OpenAPI schemas and Backstage descriptors nest a few dozen deep.
MAX_DEPTH = 200
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"


class YamlRefused(MarkedYAMLError):  # type: ignore[misc]
    """A YAML document tmse will not build: too many alias expansions, recursion or nesting."""

    # It is a YAMLError, so every reader's existing handling reports it with its line.

    def __init__(self, problem: str, mark: Mark | None) -> None:
        super().__init__(problem=problem, problem_mark=mark)


def compose_documents(text: str | bytes) -> Iterator[yaml.Node]:
    """The node graph of each document, checked against the bounds; YAMLError when refused."""
    loader = _Loader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                check_bounds(node)
            yield node
    finally:
        loader.dispose()


def compose(text: str | bytes) -> yaml.Node | None:
    """The first document's node graph (as yaml.compose), checked against the bounds."""
    return next(compose_documents(text), None)


def load(text: str | bytes) -> Any:
    """The first document as plain data (as yaml.safe_load), checked before it is built."""
    node = compose(text)
    return None if node is None else construct(node)


def load_with_nodes(text: str | bytes) -> list[tuple[yaml.Node, Any]]:
    """Every document of a multi-document text as (node graph, data), for readers that report
    the line of a field from the node's marks."""
    constructor = yaml.SafeLoader("")
    return [(node, construct(node, constructor)) for node in compose_documents(text)]


def construct(node: yaml.Node, constructor: yaml.SafeLoader | None = None) -> Any:
    """The data of a checked node graph; plain mappings, lists and strings are built directly,
    several times faster than the general constructor, which handles everything else."""
    constructor = constructor or yaml.SafeLoader("")
    try:
        return _plain(constructor, node)
    except TypeError:
        # An unhashable key (a list as a mapping key): the general constructor says so properly.
        return constructor.construct_document(node)
    finally:
        constructor.constructed_objects.clear()


def _plain(constructor: yaml.SafeLoader, node: yaml.Node) -> Any:
    if node.tag == _MAP and not any(key.tag == _MERGE for key, _ in node.value):
        return {_plain(constructor, key): _plain(constructor, value) for key, value in node.value}
    if node.tag == _SEQ:
        return [_plain(constructor, item) for item in node.value]
    if node.tag == _STR:
        return node.value
    return constructor.construct_object(node, deep=True)


def check_bounds(root: yaml.Node) -> None:
    """Raise YamlRefused when aliases to collections would add more than MAX_ALIAS_EXPANSION
    nodes, when an alias refers to a collection containing it, or past MAX_DEPTH levels."""
    sizes: dict[int, int] = {}  # collection id → nodes it stands for expanded; -1 while open
    added = 0

    # Recursive (faster than an explicit stack here); MAX_DEPTH keeps it far from the limit.
    def size_of(node: yaml.Node, depth: int) -> int:
        nonlocal added
        value = node.value
        if isinstance(value, str):
            return 1
        key = id(node)
        known = sizes.get(key)
        if known is not None:
            if known < 0:
                raise YamlRefused(
                    "an alias refers to the collection that contains it", node.start_mark
                )
            added += known
            if added > MAX_ALIAS_EXPANSION:
                raise YamlRefused(
                    f"aliases expand to more than {MAX_ALIAS_EXPANSION} nodes", node.start_mark
                )
            return known
        if depth > MAX_DEPTH:
            raise YamlRefused(f"nesting deeper than {MAX_DEPTH} levels", node.start_mark)
        sizes[key] = -1
        total = 1
        if isinstance(node, yaml.MappingNode):
            for item_key, item_value in value:
                total += size_of(item_key, depth + 1) + size_of(item_value, depth + 1)
        else:
            for item in value:
                total += size_of(item, depth + 1)
        sizes[key] = total
        return total

    size_of(root, 1)
