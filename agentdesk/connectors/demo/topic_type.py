"""The shape of a demo conversation topic."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    key: str
    team: str
    weight: int
    tags: tuple[str, ...]
    subjects: dict[str, list[str]]
    openers: dict[str, list[str]]
    agent: dict[str, list[str]]
    customer: dict[str, list[str]]
    priority: str = "normal"
    needs_order: bool = True
