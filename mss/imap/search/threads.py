"""THREAD algorithms of RFC 5256: ORDEREDSUBJECT (§3) and REFERENCES (§3, after Jamie
Zawinski's description), and the thread-list encoding of §4."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

from mss.imap.search.sort_facts import SortFacts


@dataclass(eq=False)
class Node:
    """A container of the REFERENCES algorithm: a message, or a dummy (``facts`` None)."""

    facts: SortFacts | None = None
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)

    def adopt(self, child: Node) -> None:
        if child.parent is not None:
            child.parent.children.remove(child)
        child.parent = self
        self.children.append(child)

    def is_ancestor_of(self, other: Node) -> bool:
        walk: Node | None = other
        while walk is not None:
            if walk is self:
                return True
            walk = walk.parent
        return False

    def first_facts(self) -> SortFacts | None:
        """The message that stands for this container when sorting and grouping: its own, or
        for a dummy its first child's (RFC 5256 §3, REFERENCES step 5 and 6)."""
        if self.facts is not None:
            return self.facts
        return self.children[0].first_facts() if self.children else None


def _date_key(node: Node) -> tuple[float, int]:
    """RFC 5256 §3: siblings in sent-date order, ties broken by sequence number."""
    facts = node.first_facts()
    return (facts.sent, facts.seq) if facts is not None else (0.0, 0)


def _sort(nodes: list[Node]) -> None:
    for node in nodes:
        _sort(node.children)
    nodes.sort(key=_date_key)


def render(roots: Iterable[Node], uid: bool) -> bytes:
    """RFC 5256 §4 thread-list: ``(1 2 (3)(4))``; a dummy root lists its children only."""

    def members(node: Node) -> str:
        parts = [] if node.facts is None else [str(node.facts.uid if uid else node.facts.seq)]
        if len(node.children) == 1:
            parts.append(members(node.children[0]))
        elif node.children:
            parts.append("".join(f"({members(child)})" for child in node.children))
        return " ".join(parts)

    return "".join(f"({members(root)})" for root in roots).encode("utf-8")


def ordered_subject(messages: list[SortFacts]) -> list[Node]:
    """ORDEREDSUBJECT: messages grouped by base subject, each group a parent (the earliest)
    with the others as its children in date order; threads ordered by their first message."""
    ordered = sorted(messages, key=lambda m: (m.subject, m.sent, m.seq))
    roots = []
    for _, group in itertools.groupby(ordered, key=lambda m: m.subject):
        first, *rest = list(group)
        root = Node(first)
        for facts in rest:
            root.adopt(Node(facts))
        roots.append(root)
    roots.sort(key=_date_key)
    return roots


def references(messages: list[SortFacts]) -> list[Node]:
    """REFERENCES: parent links from References/In-Reply-To, dummies pruned, roots with one
    base subject gathered, siblings by date."""
    table: dict[str, Node] = {}
    dummy_ids = itertools.count()

    def container(message_id: str) -> Node:
        return table.setdefault(message_id, Node())

    # Step 1: a container per Message-ID (a missing or repeated one gets a unique id).
    for facts in messages:
        message_id = facts.message_id
        if message_id is None or (message_id in table and table[message_id].facts is not None):
            message_id = f"\0{next(dummy_ids)}"
        node = container(message_id)
        node.facts = facts
        # Step 1A: link the references in order, never making a loop or undoing a link.
        previous: Node | None = None
        for reference in facts.references:
            current = container(reference)
            if (
                previous is not None
                and current.parent is None
                and not current.is_ancestor_of(previous)
            ):
                previous.adopt(current)
            previous = current
        # Step 1B: a parent presumed from other messages' references gives way to the
        # message's own last reference, unless that would make a loop.
        if node.parent is not None:
            node.parent.children.remove(node)
            node.parent = None
        if previous is not None and not node.is_ancestor_of(previous):
            previous.adopt(node)
    # Step 2: the root set.
    roots = [node for node in table.values() if node.parent is None]
    # Step 4: prune dummies.
    roots = _prune(roots, top=True)
    # Step 5: gather roots by base subject.
    roots = _gather(roots)
    # Step 6: order everything by date.
    _sort(roots)
    return roots


def _prune(nodes: list[Node], *, top: bool) -> list[Node]:
    kept: list[Node] = []
    for node in nodes:
        node.children = _prune(node.children, top=False)
        for child in node.children:
            child.parent = node
        if node.facts is not None:
            kept.append(node)
        elif not node.children:
            continue  # a dummy without children goes
        elif top and len(node.children) > 1:
            kept.append(node)  # a dummy root of several threads stays
        else:
            for child in node.children:
                child.parent = node.parent
            kept.extend(node.children)  # its children move up a level
    return kept


def _gather(roots: list[Node]) -> list[Node]:
    """REFERENCES step 5: roots whose base subjects are equal become one thread."""
    by_subject: dict[str, Node] = {}
    for root in roots:
        facts = root.first_facts()
        if facts is None or not facts.subject:
            continue
        held = by_subject.get(facts.subject)
        if held is None:
            by_subject[facts.subject] = root
            continue
        held_facts = held.first_facts()
        assert held_facts is not None
        if (held.facts is not None and root.facts is None) or (
            held.facts is not None
            and root.facts is not None
            and held_facts.reply
            and not facts.reply
        ):
            by_subject[facts.subject] = root
    gathered: list[Node] = []
    for root in roots:
        if root.parent is not None:
            continue  # already merged under another root of its subject
        facts = root.first_facts()
        held = by_subject.get(facts.subject) if facts is not None and facts.subject else None
        if held is None or held is root:
            gathered.append(root)
            continue
        root_is_reply = root.facts is not None and root.facts.reply
        held_is_reply = held.facts is not None and held.facts.reply
        if held.facts is None and root.facts is None:
            for child in list(root.children):
                held.adopt(child)
        elif held.facts is None or (root_is_reply and not held_is_reply):
            held.adopt(root)
        else:
            merged = Node()
            position = gathered.index(held) if held in gathered else None
            merged.adopt(held)
            merged.adopt(root)
            by_subject[facts.subject] = merged  # type: ignore[union-attr]
            if position is not None:
                gathered[position] = merged
            else:
                gathered.append(merged)
    return [root for root in gathered if root.parent is None]
