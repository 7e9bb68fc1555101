"""Demo scripts: a city's team, and who does what in order, read from YAML and checked.

```yaml
city: Springfield
population: 114394
coordinator: cora              # sets the city up and assigns the areas, through the modals
team:                          # who answers which practice areas
  rita: [DM, OD]
  sam: [LC]
steps:                         # one line each: `person: what` or `person verb: argument`
  - rita: start                # click Start on the assignment message (also: resume, status, home)
  - rita answers: [all, 1 3, none, unsure, skip, back]
  - rita types: [2 4, not sure]
  - rita adds evidence: {links: [https://data.example.gov], note: Adopted 2021}
  - rita pauses: tomorrow      # or: next week, myself
  - rita changes: {OD1: all}   # through the Change button of OD1's old message
  - cora: status
```
Every problem is reported with its line and path, e.g. `demo.yaml:12 steps[3]: ...`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.demo.city import TeamPlan
from rubric.problems import DataFileError, Loc, Problem, format_loc
from rubric.schema import Rubric
from rubric.yaml_reader import Located, read_yaml, too_large

Answer = str | tuple[int, ...]
"""One answer: a word (all, none, unsure, skip, back) or the numbers of the items to tick."""

NAME = re.compile(r"^[a-z][a-z0-9_-]{0,30}$")
WORDS = {"all": "all", "none": "none", "unsure": "unsure", "not sure": "unsure",
         "skip": "skip", "back": "back"}  # fmt: skip
PAUSES = {"tomorrow": "Tomorrow", "next week": "Next week", "myself": "I'll come back myself"}
ALONE = ("start", "resume", "status", "home")
"""What a person does with no argument: `rita: start`."""
VERBS = ("answers", "types", "pauses", "changes", "adds evidence")
"""What a person does with an argument: `rita answers: [all, 1 3]`."""
ANSWERING = frozenset({"start", "resume", *VERBS})
TOP_KEYS = ("city", "population", "coordinator", "team", "steps")
MAX_PER_AREA = 3
_DIGITS = re.compile(r"[0-9]+")


class ScriptError(DataFileError):
    """A demo script cannot be played; `.problems` names the line and path of each."""


@dataclass(frozen=True)
class Step:
    """One thing one person does; `where` is `file:line steps[i]`, for messages."""

    index: int
    where: str
    who: str
    verb: str
    arg: Any = None

    def describe(self) -> str:
        """The step as written, e.g. `rita answers`."""
        return self.who if self.verb in ALONE and self.arg is None else f"{self.who} {self.verb}"


@dataclass(frozen=True)
class DemoScript:
    """A city, its coordinator, who answers which areas, and the steps in order."""

    path: str
    plan: TeamPlan
    steps: tuple[Step, ...]


def load_script(path: Path | str, rubric: Rubric) -> DemoScript:
    """Read and check a demo script; ScriptError lists every problem found."""
    path = Path(path)
    try:
        large = too_large(str(path), path.stat().st_size)  # refused before it is read
        if large is not None:
            raise ScriptError([large])
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ScriptError(
            [Problem(str(path), None, "", f"cannot read the file: {reason}")]
        ) from None
    return parse_script(text, str(path), rubric)


def parse_script(text: str, filename: str, rubric: Rubric) -> DemoScript:
    """A demo script from YAML text; `filename` is only used in problem messages."""
    found = read_yaml(text, filename)
    if found.data is None and found.problems:
        raise ScriptError(found.problems)
    checker = _Checker(found, rubric)
    script = checker.script(found.data)
    if checker.problems or script is None:
        raise ScriptError(checker.problems)
    return script


class _Checker:
    def __init__(self, found: Located, rubric: Rubric) -> None:
        self.found = found
        self.rubric = rubric
        self.problems: list[Problem] = list(found.problems)

    def bad(self, loc: Loc, message: str) -> None:
        self.problems.append(self.found.problem(loc, format_loc(loc), message))

    def script(self, data: Any) -> DemoScript | None:
        if not isinstance(data, dict):
            self.bad((), f"expected a mapping with the keys {', '.join(TOP_KEYS)}")
            return None
        for key in data:
            if key not in TOP_KEYS:
                self.bad((key,), f"unknown key `{key}`: the keys are {', '.join(TOP_KEYS)}")
        for key in ("city", "coordinator", "team", "steps"):
            if key not in data:
                self.bad((), f"`{key}` is missing: see examples/demo-script.yaml")
        city = data.get("city")
        if "city" in data and (not isinstance(city, str) or not city.strip()):
            self.bad(("city",), "write the city's name, e.g. `city: Springfield`")
        population = data.get("population", 100_000)
        if isinstance(population, bool) or not isinstance(population, int) or population < 1:
            self.bad(("population",), "write a whole number of residents, e.g. 114394")
        coordinator = self.name(data.get("coordinator"), ("coordinator",))
        team = self.team(data.get("team"))
        people = {*team, coordinator} if coordinator else set(team)
        steps = self.steps(data.get("steps"), people, team)
        if not isinstance(city, str) or coordinator is None or not team or not steps:
            return None
        plan = TeamPlan(city.strip(), population, coordinator, team)
        return DemoScript(self.found.filename, plan, steps)

    def name(self, value: Any, loc: Loc) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not NAME.match(value):
            self.bad(loc, "a person's short name: lower-case letters and digits, e.g. cora")
            return None
        return value

    def team(self, value: Any) -> dict[str, tuple[str, ...]]:
        if value is None:
            return {}
        if not isinstance(value, dict) or not value:
            self.bad(("team",), "map each person to their practice areas, e.g. `rita: [OD, BF]`")
            return {}
        areas = [a.id for a in self.rubric.areas]
        team: dict[str, tuple[str, ...]] = {}
        holders: dict[str, list[str]] = {}
        for person, given in value.items():
            if self.name(person, ("team", person)) is None:
                continue
            listed = [given] if isinstance(given, str) else given
            if not isinstance(listed, list) or not listed:
                self.bad(("team", person), f"list {person}'s practice areas, e.g. [OD, BF]")
                continue
            for k, area in enumerate(listed):
                if area not in areas:
                    near = difflib.get_close_matches(str(area), areas, n=1)
                    hint = (
                        f"did you mean {near[0]}?" if near else f"the areas are {', '.join(areas)}"
                    )
                    self.bad(("team", person, k), f"no practice area `{area}`: {hint}")
                else:
                    holders.setdefault(area, []).append(person)
            team[person] = tuple(a for a in listed if a in areas)
        for area, names in holders.items():
            if len(names) > MAX_PER_AREA:
                self.bad(("team",), f"{area} has {len(names)} people; at most {MAX_PER_AREA}")
        return team

    def steps(
        self, value: Any, people: set[str], team: dict[str, tuple[str, ...]]
    ) -> tuple[Step, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not value:
            self.bad(("steps",), "list the steps, one per line, e.g. `- rita: start`")
            return ()
        found = [self.step(i, raw, people, team) for i, raw in enumerate(value)]
        return tuple(s for s in found if s is not None)

    def step(
        self, i: int, raw: Any, people: set[str], team: dict[str, tuple[str, ...]]
    ) -> Step | None:
        loc: Loc = ("steps", i)
        if not isinstance(raw, dict) or len(raw) != 1:
            self.bad(loc, "a step is one `person: what` or `person verb: argument`")
            return None
        ((key, arg),) = raw.items()
        who, _, verb = str(key).partition(" ")
        where = f"{self.found.filename}:{self.found.line_of(loc)} {format_loc(loc)}"
        if who not in people:
            known = ", ".join(sorted(people)) or "nobody yet"
            self.bad(loc, f"`{who}` is not the coordinator or in the team ({known})")
            return None
        if not verb:
            if arg not in ALONE:
                self.bad(loc, f"`{who}: {arg}`: what {who} does is one of {', '.join(ALONE)}")
                return None
            verb, arg = arg, None
        elif verb not in VERBS:
            self.bad(loc, f"`{verb}` is not something a person does: use {', '.join(VERBS)}")
            return None
        if verb in ANSWERING and who not in team:
            self.bad(loc, f"{who} answers no practice area: add {who} to `team` first")
            return None
        parsed = self.argument(verb, arg, (*loc, key), team.get(who, ()))
        return None if parsed is _INVALID else Step(i, where, who, verb, parsed)

    def argument(self, verb: str, arg: Any, loc: Loc, areas: tuple[str, ...]) -> Any:
        if verb == "answers":
            listed = arg if isinstance(arg, list) else [arg]
            answers = [self.answer(a, (*loc, k) if isinstance(arg, list) else loc)
                       for k, a in enumerate(listed)]  # fmt: skip
            return _INVALID if None in answers else tuple(answers)
        if verb == "types":
            listed = arg if isinstance(arg, list) else [arg]
            if not listed or not all(isinstance(t, str | int) and str(t).strip() for t in listed):
                self.bad(loc, "write what the person types, e.g. `1 3` or [none, not sure]")
                return _INVALID
            return tuple(str(t) for t in listed)
        if verb == "pauses":
            if arg not in PAUSES:
                self.bad(loc, f"pause until one of: {', '.join(PAUSES)}")
                return _INVALID
            return PAUSES[arg]
        if verb == "changes":
            return self.changes(arg, loc, areas)
        if verb == "adds evidence":
            return self.evidence(arg, loc)
        return None

    def answer(self, value: Any, loc: Loc) -> Answer | None:
        if isinstance(value, str) and value.strip().lower() in WORDS:
            return WORDS[value.strip().lower()]
        numbers = [value] if isinstance(value, int) and not isinstance(value, bool) else value
        if isinstance(numbers, str):
            numbers = [
                int(w) if _DIGITS.fullmatch(w) else w for w in re.split(r"[\s,]+", numbers.strip())
            ]
        if (
            isinstance(numbers, list)
            and numbers
            and all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in numbers)
        ):
            return tuple(numbers)
        self.bad(loc, f"`{value}` is not an answer: write item numbers (1 3) or "
                 "all, none, unsure, skip, back")  # fmt: skip
        return None

    def changes(self, arg: Any, loc: Loc, areas: tuple[str, ...]) -> Any:
        if not isinstance(arg, dict) or not arg:
            self.bad(loc, "map each criterion to its new answer, e.g. {OD1: all}")
            return _INVALID
        known = {c.id for c in self.rubric.criteria()}
        changed: list[tuple[str, Answer]] = []
        for cid, value in arg.items():
            if cid not in known:
                near = difflib.get_close_matches(str(cid), sorted(known), n=1)
                self.bad((*loc, cid), f"no criterion {cid}" + (f": did you mean {near[0]}?"
                                                               if near else ""))  # fmt: skip
                continue
            if self.rubric.area_of(cid).id not in areas:
                self.bad((*loc, cid), f"{cid} is not in this person's areas ({', '.join(areas)})")
                continue
            answer = self.answer(value, (*loc, cid))
            if answer is not None and answer not in ("skip", "back"):
                changed.append((cid, answer))
            elif answer is not None:
                self.bad((*loc, cid), "a change is a new answer: item numbers, all, none, unsure")
        return tuple(changed) if len(changed) == len(arg) else _INVALID

    def evidence(self, arg: Any, loc: Loc) -> Any:
        if not isinstance(arg, dict) or not set(arg) <= {"links", "note"} or not arg:
            self.bad(loc, "give `links` (a list of https:// addresses) and/or a `note`")
            return _INVALID
        links = arg.get("links", [])
        links = [links] if isinstance(links, str) else links
        if not isinstance(links, list) or not all(isinstance(x, str) for x in links):
            self.bad((*loc, "links"), "list the links, e.g. [https://data.example.gov]")
            return _INVALID
        note = arg.get("note", "")
        return ("\n".join(links), str(note))


_INVALID: Any = object()
