"""Duplicate construction: rank pairs of services or APIs that likely do the same job."""
# Pure: plain data in, plain results out. Four signals, each a sub-score in [0, 1]:
#
# - name: rapidfuzz similarity of normalised names (kebab/snake/camel split, generic words such as
#   "service", "svc", "api" dropped), the larger of the in-order and sorted-token ratios;
# - description: cosine of TF-IDF vectors (Latin words, Chinese character bigrams), IDF over the
#   whole catalogue so words every service uses count for little;
# - paths: greedy one-to-one matching of normalised API paths ("{id}", ":id" and version prefixes
#   unified, health/metrics endpoints ignored); Dice overlap weighted by each match's ratio;
# - schema: Jaccard overlap of normalised schema field names, generic fields such as "id" ignored.
#
# The score is the weighted mean of the signals that *both* sides carry (weights: name 0.35,
# description 0.35, paths 0.2, schema 0.1, renormalised), so a missing description neither helps
# nor hurts. To scale, pairs are not all scored: an inverted index over name tokens and prefixes,
# rare description terms, paths and schema fields proposes, for each candidate, its neighbours with
# the most (IDF-weighted) shared keys; only those pairs are scored.

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

GENERIC_NAME_WORDS = frozenset(
    {"service", "services", "svc", "srv", "api", "apis", "app", "server", "microservice", "ms",
     "backend", "system", "sys", "module", "v1", "v2", "v3"}
)  # fmt: skip
GENERIC_PATHS = frozenset(
    {"/health", "/healthz", "/readyz", "/livez", "/metrics", "/ping", "/status", "/version"}
)
GENERIC_FIELDS = frozenset({"id", "created_at", "updated_at", "version", "deleted_at"})
STOP_WORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it",
     "of", "on", "or", "the", "this", "to", "with", "its", "that", "via", "all", "service", "api",
     "的", "和", "与"}
)  # fmt: skip
WEIGHTS = {"name": 0.35, "description": 0.35, "paths": 0.2, "schema": 0.1}
PATH_MATCH_MIN = 0.85  # below this two paths are different endpoints, not one renamed

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_WORD = re.compile(r"[a-z0-9]+|[\u3400-\u9fff]+")
_PARAM = re.compile(r"\{[^}]*\}|<[^>]*>|:[A-Za-z_]\w*")
_VERSION_PREFIX = re.compile(r"^(/api)?(/v\d+)?(?=/|$)")


@dataclass(frozen=True)
class Candidate:
    """A catalogue entry to compare: kind is "service" or "api"; paths like "GET /v1/x/{id}"."""

    name: str
    kind: str = "service"
    description: str = ""
    owner: str | None = None
    paths: tuple[str, ...] = ()
    schema_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Signal:
    """One signal's sub-score in [0, 1] and what matched (tokens, terms, path pairs or fields)."""

    score: float
    matches: tuple[str, ...] = ()


@dataclass(frozen=True)
class DuplicatePair:
    """Two likely duplicates (names in sorted order), the combined score and per-signal evidence."""

    first: str
    second: str
    score: float
    evidence: dict[str, Signal] = field(default_factory=dict)
    owners: tuple[str | None, str | None] = (None, None)


def split_words(text: str) -> list[str]:
    """Lower-case words of text, splitting camelCase, kebab-case and snake_case."""
    return _WORD.findall(_CAMEL.sub(" ", text).lower())


def name_tokens(name: str) -> list[str]:
    """Normalised name tokens with generic words (service, svc, api, ...) dropped."""
    return [word for word in split_words(name) if word not in GENERIC_NAME_WORDS]


def text_terms(text: str) -> list[str]:
    """Description terms: Latin words minus stop words; Chinese runs as character bigrams."""
    terms: list[str] = []
    for word in split_words(text):
        if word in STOP_WORDS:
            continue
        if "\u3400" <= word[0] <= "\u9fff":
            # Chinese has no spaces; bigrams are the usual tokenizer-free unit of meaning.
            chars = [char for char in word if char not in STOP_WORDS]
            terms.extend(chars if len(chars) == 1 else map("".join, itertools.pairwise(chars)))
        elif len(word) > 1:
            terms.append(word)
    return terms


def normalise_path(path: str) -> str | None:
    """ "METHOD /path" with parameters as {} and /api, /vN prefixes dropped; None when generic."""
    method, _, route = path.strip().partition(" ")
    if not route:
        method, route = "", method
    route = _PARAM.sub("{}", route.strip().lower()).rstrip("/")
    route = _VERSION_PREFIX.sub("", route) or "/"
    if route in GENERIC_PATHS:
        return None
    return f"{method.upper()} {route}".strip()


def normalise_field(name: str) -> str:
    """A schema field name as snake_case words, so userId and user_id agree."""
    return "_".join(split_words(name))


@dataclass
class _Prepared:
    candidate: Candidate
    name: str
    sorted_name: str
    tokens: frozenset[str]
    vector: dict[str, float]
    norm: float
    paths: tuple[str, ...]
    fields: frozenset[str]


def _prepare(candidates: Sequence[Candidate]) -> list[_Prepared]:
    term_lists = [text_terms(c.description) for c in candidates]
    document_frequency: Counter[str] = Counter()
    for terms in term_lists:
        document_frequency.update(set(terms))
    total = len(candidates)
    prepared = []
    for candidate, terms in zip(candidates, term_lists, strict=True):
        # Smoothed IDF (as scikit-learn's default) keeps a term in every document above zero.
        vector = {
            term: count * (math.log((1 + total) / (1 + document_frequency[term])) + 1)
            for term, count in Counter(terms).items()
        }
        tokens = name_tokens(candidate.name)
        paths = {p for p in map(normalise_path, candidate.paths) if p}
        fields = {normalise_field(f) for f in candidate.schema_fields} - GENERIC_FIELDS - {""}
        prepared.append(
            _Prepared(
                candidate=candidate,
                name=" ".join(tokens),
                sorted_name=" ".join(sorted(tokens)),
                tokens=frozenset(tokens),
                vector=vector,
                norm=math.sqrt(sum(weight * weight for weight in vector.values())),
                paths=tuple(sorted(paths)),
                fields=frozenset(fields),
            )
        )
    return prepared


def _name_signal(a: _Prepared, b: _Prepared) -> Signal | None:
    if not a.name or not b.name:
        return None
    ratio = max(fuzz.ratio(a.name, b.name), fuzz.ratio(a.sorted_name, b.sorted_name)) / 100
    return Signal(round(ratio, 4), tuple(sorted(a.tokens & b.tokens)))


def _description_signal(a: _Prepared, b: _Prepared) -> Signal | None:
    if not a.norm or not b.norm:
        return None
    shared = a.vector.keys() & b.vector.keys()
    contributions = {term: a.vector[term] * b.vector[term] for term in shared}
    cosine = sum(contributions.values()) / (a.norm * b.norm)
    top = sorted(contributions, key=lambda term: (-contributions[term], term))[:8]
    return Signal(round(min(cosine, 1.0), 4), tuple(top))


def _path_signal(a: _Prepared, b: _Prepared) -> Signal | None:
    if not a.paths or not b.paths:
        return None
    scored = [(fuzz.ratio(left, right) / 100, left, right) for left in a.paths for right in b.paths]
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    used_left: set[str] = set()
    used_right: set[str] = set()
    total = 0.0
    matches = []
    for ratio, left, right in scored:
        if ratio < PATH_MATCH_MIN:
            break
        if left in used_left or right in used_right:
            continue
        used_left.add(left)
        used_right.add(right)
        total += ratio
        matches.append(left if left == right else f"{left} ~ {right}")
    return Signal(round(2 * total / (len(a.paths) + len(b.paths)), 4), tuple(matches))


def _schema_signal(a: _Prepared, b: _Prepared) -> Signal | None:
    if not a.fields or not b.fields:
        return None
    shared = a.fields & b.fields
    return Signal(round(len(shared) / len(a.fields | b.fields), 4), tuple(sorted(shared)))


def _score_pair(a: _Prepared, b: _Prepared) -> DuplicatePair:
    """Combine the signals both sides carry into one pair (see the module docstring)."""
    signals = {
        "name": _name_signal(a, b),
        "description": _description_signal(a, b),
        "paths": _path_signal(a, b),
        "schema": _schema_signal(a, b),
    }
    evidence = {key: signal for key, signal in signals.items() if signal is not None}
    weight = sum(WEIGHTS[key] for key in evidence)
    score = sum(WEIGHTS[key] * s.score for key, s in evidence.items()) / weight if weight else 0.0
    first, second = sorted((a, b), key=lambda p: p.candidate.name)
    return DuplicatePair(
        first=first.candidate.name,
        second=second.candidate.name,
        score=round(score, 4),
        evidence=evidence,
        owners=(first.candidate.owner, second.candidate.owner),
    )


def _blocking_keys(item: _Prepared) -> set[str]:
    keys = {f"n:{token}" for token in item.tokens}
    # Prefixes let "pay" meet "payment" and "cust" meet "customer".
    keys |= {f"np:{token[:3]}" for token in item.tokens if len(token) >= 3}
    keys |= {f"d:{term}" for term in item.vector}
    keys |= {f"p:{path}" for path in item.paths}
    keys |= {f"f:{name}" for name in item.fields}
    return keys


def candidate_pairs(
    candidates: Sequence[Candidate], neighbours: int = 20, max_block: int = 200
) -> set[tuple[str, str]]:
    """Name pairs (each in sorted order) that blocking would score; for inspecting the blocking."""
    ordered = sorted(candidates, key=lambda candidate: candidate.name)
    pairs = _candidate_pairs(_prepare(ordered), neighbours, max_block)
    return {(ordered[left].name, ordered[right].name) for left, right in pairs}


def _candidate_pairs(
    prepared: Sequence[_Prepared], neighbours: int, max_block: int
) -> set[tuple[int, int]]:
    # Each item's top neighbours by IDF-weighted shared keys.
    postings: dict[str, list[int]] = defaultdict(list)
    item_keys = [_blocking_keys(item) for item in prepared]
    for index, keys in enumerate(item_keys):
        for key in keys:
            postings[key].append(index)
    total = len(prepared)
    # Keys shared by too many items (a common word) say nothing and would bring back O(n²).
    weight = {
        key: math.log(total / len(items)) + 0.1
        for key, items in postings.items()
        if 1 < len(items) <= max_block
    }
    pairs: set[tuple[int, int]] = set()
    for index, keys in enumerate(item_keys):
        overlap: dict[int, float] = defaultdict(float)
        for key in keys:
            key_weight = weight.get(key)
            if key_weight is None:
                continue
            for other in postings[key]:
                if other != index:
                    overlap[other] += key_weight
        best = sorted(overlap, key=lambda other: (-overlap[other], other))[:neighbours]
        pairs.update((min(index, other), max(index, other)) for other in best)
    return pairs


def find_duplicates(
    candidates: Iterable[Candidate],
    threshold: float = 0.5,
    neighbours: int = 20,
    max_block: int = 200,
    exhaustive: bool = False,
) -> list[DuplicatePair]:
    """Likely duplicate pairs scoring at least threshold, best first, ties by names."""
    # exhaustive scores every pair (O(n²)): for small catalogues and for checking the blocking.
    # Name order makes the neighbour cut-off, and so the result, independent of input order.
    items = sorted(candidates, key=lambda candidate: candidate.name)
    names = [c.name for c in items]
    if len(set(names)) != len(names):
        raise ValueError("candidate names must be unique")
    prepared = _prepare(items)
    results = []
    pairs: Iterable[tuple[int, int]] = (
        itertools.combinations(range(len(prepared)), 2)
        if exhaustive
        else _candidate_pairs(prepared, neighbours, max_block)
    )
    for left, right in pairs:
        pair = _score_pair(prepared[left], prepared[right])
        if pair.score >= threshold:
            results.append(pair)
    results.sort(key=lambda pair: (-pair.score, pair.first, pair.second))
    return results
