"""The rubric as data: pydantic models of levels, practice areas, criteria and next steps.

Every user-facing string is a `Text`: in a rubric file it is written either as a plain string
(English) or as a mapping of language codes to strings (`{en: ..., es: ..., pt: ...}`), so that
translations can be added later without changing the file format.

The models check types and per-field limits; cross-field rules (unique ids, prerequisites that
exist and form no cycle, ascending thresholds, rule sizes) live in `rubric.validate`, which reports
every problem with its path so the loader can point at the line.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

LANGUAGES: tuple[str, ...] = ("en", "es", "pt")
"""Languages a rubric text may carry; English is required, the others fall back to it."""

# Slack's limits for the surfaces where rubric text appears (see the project's Slack notes).
OPTION_TEXT_MAX = 75
"""A checkbox option's label: checklist items and their hints."""
BUTTON_TEXT_MAX = 75
"""A button label: area names and next-step actions can become buttons."""
SECTION_TEXT_MAX = 3000
"""A section block's text: statements, why-it-matters, evidence guidance."""
HEADER_TEXT_MAX = 150
"""A header block: the rubric title and area names."""

CRITERION_ID = r"^[A-Z]{2,6}[0-9]{1,2}$"
AREA_ID = r"^[A-Z]{2,6}$"
SLUG = r"^[a-z][a-z0-9-]{0,39}$"

Effort = Literal["S", "M", "L"]
Horizon = Literal[3, 6, 12]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Frozen):
    """A user-facing string in English, with optional Spanish and Portuguese."""

    en: str = Field(min_length=1)
    es: str | None = None
    pt: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_string_is_english(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"en": value}
        return value

    def get(self, lang: str = "en") -> str:
        """The text in `lang`, falling back to English where no translation exists."""
        if lang == "es" and self.es:
            return self.es
        if lang == "pt" and self.pt:
            return self.pt
        return self.en

    def variants(self) -> dict[str, str | None]:
        """Every language's value (None where missing), for length and completeness checks."""
        return {"en": self.en, "es": self.es, "pt": self.pt}

    def __str__(self) -> str:
        return self.en


class Resource(_Frozen):
    """A public guide or template that helps with a next step."""

    title: Text
    url: HttpUrl


class NextStep(_Frozen):
    """One concrete action toward meeting a criterion."""

    action: Text
    deliverable: Text
    """The first tangible thing the action produces (a draft policy, a schedule, a register...)."""
    effort: Effort
    owner: Text
    """The role best placed to own it, e.g. "Chief Data Officer"."""
    horizon_months: Horizon
    resources: tuple[Resource, ...] = ()


class ChecklistItem(_Frozen):
    """One observable condition; a criterion is met when its rule over these items holds."""

    id: str = Field(pattern=SLUG)
    text: Text
    hint: Text | None = None


class Rule(_Frozen):
    """How many checklist items must hold: all of them, or at least `k`."""

    at_least: int | None = Field(default=None, ge=1)

    @model_validator(mode="before")
    @classmethod
    def _from_yaml(cls, value: Any) -> Any:
        if value == "all":
            return {"at_least": None}
        return value

    def required(self, item_count: int) -> int:
        """The number of ticked items that meets the criterion."""
        return item_count if self.at_least is None else self.at_least

    def describe(self, item_count: int) -> str:
        """A short reading of the rule, e.g. "all 3" or "at least 3 of 4"."""
        if self.at_least is None:
            return f"all {item_count}"
        return f"at least {self.at_least} of {item_count}"


class Criterion(_Frozen):
    """A yes/no statement about the city's practice, with a checklist and next steps."""

    id: str = Field(pattern=CRITERION_ID)
    statement: Text
    why: Text
    checklist: tuple[ChecklistItem, ...]
    rule: Rule = Rule()
    evidence: Text
    core: bool = False
    """Core criteria must all be met for the city to reach any level."""
    prerequisites: tuple[str, ...] = ()
    """Ids of criteria that must be met before this one can score."""
    next_steps: tuple[NextStep, ...]

    def item(self, item_id: str) -> ChecklistItem | None:
        """The checklist item with this id, or None."""
        return next((it for it in self.checklist if it.id == item_id), None)


class Area(_Frozen):
    """A practice area: a group of criteria scored together."""

    id: str = Field(pattern=AREA_ID)
    name: Text
    summary: Text
    criteria: tuple[Criterion, ...]


class Level(_Frozen):
    """A certification level reached at `min_percent` of criteria met (with every core met)."""

    id: str = Field(pattern=SLUG)
    name: Text
    min_percent: Annotated[Decimal, Field(gt=0, le=100, max_digits=5, decimal_places=2)]


class Rubric(_Frozen):
    """A versioned assessment: levels in ascending order and practice areas with criteria."""

    id: str = Field(pattern=SLUG)
    version: str = Field(min_length=1, max_length=40)
    title: Text
    levels: tuple[Level, ...]
    areas: tuple[Area, ...]

    def criteria(self) -> tuple[Criterion, ...]:
        """Every criterion, in the rubric's order."""
        return tuple(c for area in self.areas for c in area.criteria)

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with this id; KeyError naming it if there is none."""
        for area in self.areas:
            for crit in area.criteria:
                if crit.id == criterion_id:
                    return crit
        raise KeyError(f"rubric {self.id} {self.version} has no criterion {criterion_id!r}")

    def area(self, area_id: str) -> Area:
        """The area with this id; KeyError naming it if there is none."""
        for area in self.areas:
            if area.id == area_id:
                return area
        raise KeyError(f"rubric {self.id} {self.version} has no area {area_id!r}")

    def area_of(self, criterion_id: str) -> Area:
        """The area that holds this criterion."""
        for area in self.areas:
            if any(c.id == criterion_id for c in area.criteria):
                return area
        raise KeyError(f"rubric {self.id} {self.version} has no criterion {criterion_id!r}")

    def core_ids(self) -> tuple[str, ...]:
        """Ids of the core criteria, in the rubric's order."""
        return tuple(c.id for c in self.criteria() if c.core)
