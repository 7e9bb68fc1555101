"""Small rubrics written as YAML text, and helpers to score answers against them."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

from rubric.loader import parse_rubric
from rubric.schema import Rubric
from rubric.scoring import Answer

# Four criteria in two areas: GOV1 is core; GOV2 needs GOV1; OPS2 needs OPS1.
# Bronze at 50% (2 of 4 met), Silver at 75% (3 of 4), Gold at 100%.
SAMPLE = """\
id: sample
version: "1"
title: Sample rubric
levels:
  - id: bronze
    name: Bronze
    min_percent: 50
  - id: silver
    name: Silver
    min_percent: 75
  - id: gold
    name: Gold
    min_percent: 100
areas:
  - id: GOV
    name: Governance
    summary: How the city decides about data.
    criteria:
      - id: GOV1
        core: true
        statement: The city has a data strategy.
        why: A plan keeps departments aligned.
        checklist:
          - id: written
            text: A written strategy exists
          - id: approved
            text: The strategy is approved
        rule: all
        evidence: The strategy document.
        next_steps:
          - action: Draft a strategy
            deliverable: A draft strategy
            effort: M
            owner: Chief Data Officer
            horizon_months: 6
      - id: GOV2
        statement: The city keeps a data inventory.
        why: Nobody can share what nobody knows exists.
        checklist:
          - id: method
            text: The inventory follows a documented method
          - id: recent
            text: It was updated in the last 12 months
          - id: published
            text: It is published online
        rule:
          at_least: 2
        evidence: The inventory.
        prerequisites: [GOV1]
        next_steps:
          - action: Start an inventory
            deliverable: An inventory template
            effort: S
            owner: Chief Data Officer
            horizon_months: 3
  - id: OPS
    name: Operations
    summary: How the city runs on data.
    criteria:
      - id: OPS1
        statement: The city reviews performance every quarter.
        why: Regular reviews catch problems early.
        checklist:
          - id: meetings
            text: Meetings happen every quarter
          - id: leaders
            text: Leaders attend
        rule: all
        evidence: Meeting agendas.
        next_steps:
          - action: Schedule quarterly reviews
            deliverable: A meeting calendar
            effort: L
            owner: Performance manager
            horizon_months: 12
      - id: OPS2
        statement: The city publishes its performance.
        why: Residents can see progress.
        checklist:
          - id: report
            text: A yearly report is published
          - id: dashboard
            text: A dashboard is online
        rule:
          at_least: 1
        evidence: The report or dashboard.
        prerequisites: [OPS1]
        next_steps:
          - action: Publish a yearly report
            deliverable: A report draft
            effort: S
            owner: Performance manager
            horizon_months: 3
"""

AnswerSpec = str | list[str] | tuple[list[str], str]
"""`all`, `none`, `unsure`, a list of ticked ids, or (ticked ids, "unsure")."""


def sample_rubric(text: str = SAMPLE) -> Rubric:
    """The sample rubric (or another YAML text) parsed and validated."""
    return parse_rubric(textwrap.dedent(text), "sample.yaml")


def answers_for(rubric: Rubric, spec: Mapping[str, AnswerSpec]) -> dict[str, Answer]:
    """Answers from a compact spec, e.g. {"GOV1": "all", "GOV2": ["method"]}."""
    out: dict[str, Answer] = {}
    for cid, value in spec.items():
        if value == "all":
            out[cid] = Answer.all_of(rubric.criterion(cid))
        elif value == "none":
            out[cid] = Answer.none()
        elif value == "unsure":
            out[cid] = Answer.not_sure()
        elif isinstance(value, tuple):
            out[cid] = Answer(frozenset(value[0]), unsure=True)
        else:
            out[cid] = Answer.of(*value)
    return out
