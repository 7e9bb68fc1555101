"""The assessment as data, and the pure functions over it. Imports nothing of the project.

- `rubric.schema`: the pydantic models (Rubric, Level, Area, Criterion, NextStep, Text).
- `rubric.loader`: YAML file -> validated Rubric, or RubricError listing every problem with its
  file, line and id path; `load_bundled_rubric()` for the rubric that ships with citycheck.
- `rubric.validate`: the rules beyond types (unique ids, prerequisites, levels, sizes, lengths).
- `rubric.answers`: answers files (criterion id -> all / none / unsure / ticked item ids).
- `rubric.scoring`: answers -> Score (criterion statuses, area and overall shares, level).
- `rubric.planning`: Score -> the gap to the next level, and an area's nudges.
- `rubric.gap_search`: the search for the smallest set of criteria that reaches a level.
"""
