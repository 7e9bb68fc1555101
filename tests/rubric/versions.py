"""Two versions of a small rubric, written out, for tests of rounds across rubric versions.

Version 2026.1: Governance (GOV1 core, GOV2), Operations (OPS1, OPS2), Legacy systems (LEG1).
Version 2027.1, against it:
- GOV2's checklist changed (a fourth item, "machine-readable"): asked afresh;
- OPS3 is new;
- LEG1 is gone, and with it the Legacy systems area;
- GOV1, OPS1 and OPS2 are the same questions (GOV1's "why" and OPS2's Spanish text differ,
  which does not change the question).
Levels in both: Silver 50%, Gold 75%, Platinum 100%.
"""

from __future__ import annotations

import textwrap

from rubric.loader import parse_rubric
from rubric.schema import Rubric

V1 = """\
id: rounds-sample
version: "2026.1"
title: Rounds sample rubric
levels:
  - {id: silver, name: Silver, min_percent: 50}
  - {id: gold, name: Gold, min_percent: 75}
  - {id: platinum, name: Platinum, min_percent: 100}
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
          - {id: written, text: A written strategy exists}
          - {id: approved, text: The strategy is approved}
        rule: all
        evidence: The strategy document.
        next_steps:
          - {action: Draft a strategy, deliverable: A draft strategy, effort: M,
             owner: Chief Data Officer, horizon_months: 6}
      - id: GOV2
        statement: The city keeps a data inventory.
        why: Nobody can share what nobody knows exists.
        checklist:
          - {id: method, text: The inventory follows a documented method}
          - {id: recent, text: It was updated in the last 12 months}
          - {id: published, text: It is published online}
        rule: {at_least: 2}
        evidence: The inventory.
        next_steps:
          - {action: Start an inventory, deliverable: An inventory template, effort: S,
             owner: Chief Data Officer, horizon_months: 3}
  - id: OPS
    name: Operations
    summary: How the city runs on data.
    criteria:
      - id: OPS1
        statement: The city reviews performance every quarter.
        why: Regular reviews catch problems early.
        checklist:
          - {id: meetings, text: Meetings happen every quarter}
          - {id: leaders, text: Leaders attend}
        rule: all
        evidence: Meeting agendas.
        next_steps:
          - {action: Schedule quarterly reviews, deliverable: A meeting calendar, effort: L,
             owner: Performance manager, horizon_months: 12}
      - id: OPS2
        statement: The city publishes its performance.
        why: Residents can see progress.
        checklist:
          - {id: report, text: A yearly report is published}
          - {id: dashboard, text: A dashboard is online}
        rule: {at_least: 1}
        evidence: The report or dashboard.
        next_steps:
          - {action: Publish a yearly report, deliverable: A report draft, effort: S,
             owner: Performance manager, horizon_months: 3}
  - id: LEG
    name: Legacy systems
    summary: What the city does with old systems.
    criteria:
      - id: LEG1
        statement: The city keeps a register of legacy systems.
        why: Old systems hold data nobody remembers.
        checklist:
          - {id: listed, text: Every legacy system is listed}
          - {id: retired, text: A retirement date is set for each}
        rule: all
        evidence: The register.
        next_steps:
          - {action: List legacy systems, deliverable: A register, effort: S,
             owner: IT director, horizon_months: 3}
"""

V2 = """\
id: rounds-sample
version: "2027.1"
title: Rounds sample rubric
levels:
  - {id: silver, name: Silver, min_percent: 50}
  - {id: gold, name: Gold, min_percent: 75}
  - {id: platinum, name: Platinum, min_percent: 100}
areas:
  - id: GOV
    name: Governance
    summary: How the city decides about data.
    criteria:
      - id: GOV1
        core: true
        statement: The city has a data strategy.
        why: A strategy everyone knows keeps departments aligned.
        checklist:
          - {id: written, text: A written strategy exists}
          - {id: approved, text: The strategy is approved}
        rule: all
        evidence: The strategy document.
        next_steps:
          - {action: Draft a strategy, deliverable: A draft strategy, effort: M,
             owner: Chief Data Officer, horizon_months: 6}
      - id: GOV2
        statement: The city keeps a data inventory.
        why: Nobody can share what nobody knows exists.
        checklist:
          - {id: method, text: The inventory follows a documented method}
          - {id: recent, text: It was updated in the last 12 months}
          - {id: published, text: It is published online}
          - {id: machine-readable, text: It is published in a machine-readable format}
        rule: {at_least: 2}
        evidence: The inventory.
        next_steps:
          - {action: Start an inventory, deliverable: An inventory template, effort: S,
             owner: Chief Data Officer, horizon_months: 3}
  - id: OPS
    name: Operations
    summary: How the city runs on data.
    criteria:
      - id: OPS1
        statement: The city reviews performance every quarter.
        why: Regular reviews catch problems early.
        checklist:
          - {id: meetings, text: Meetings happen every quarter}
          - {id: leaders, text: Leaders attend}
        rule: all
        evidence: Meeting agendas.
        next_steps:
          - {action: Schedule quarterly reviews, deliverable: A meeting calendar, effort: L,
             owner: Performance manager, horizon_months: 12}
      - id: OPS2
        statement:
          en: The city publishes its performance.
          es: La ciudad publica su desempeño.
        why: Residents can see progress.
        checklist:
          - {id: report, text: A yearly report is published}
          - {id: dashboard, text: A dashboard is online}
        rule: {at_least: 1}
        evidence: The report or dashboard.
        next_steps:
          - {action: Publish a yearly report, deliverable: A report draft, effort: S,
             owner: Performance manager, horizon_months: 3}
      - id: OPS3
        statement: The city sets yearly performance targets.
        why: Targets say what good looks like.
        checklist:
          - {id: targets, text: Targets are set every year}
          - {id: reviewed, text: Targets are reviewed against results}
        rule: all
        evidence: The targets.
        next_steps:
          - {action: Set targets, deliverable: A target list, effort: M,
             owner: Performance manager, horizon_months: 6}
"""


def v1() -> Rubric:
    """Version 2026.1."""
    return parse_rubric(textwrap.dedent(V1), "rounds-2026.1.yaml")


def v2() -> Rubric:
    """Version 2027.1."""
    return parse_rubric(textwrap.dedent(V2), "rounds-2027.1.yaml")
