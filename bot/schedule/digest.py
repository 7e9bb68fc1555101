"""The weekly coordinator digests of many cities, from a fixed number of bulk reads.

For each city: interview progress by area (its open round), the plan's progress by area and the
levels it leads to (its newest plan in a round not archived), who is behind and since when,
milestones due in the next 14 days and overdue ones, the permanent send errors since the last
digest, and what the last digest said.

`DigestSource.load` reads what every due city's digest needs in about eight statements, however
many cities are due (see `storage.repo.digests`); `source.view(item)` then builds one city's
digest in memory, so a sweep can build and send them a batch at a time. Answers are reduced to
what a digest shows: how many criteria of each area are answered, and which criteria are met
by their answer (held as bits, scored into levels by `bot.schedule.levels`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session

from bot.schedule.calendar import local_date, working_days_after
from bot.schedule.evidence import NO_STALE_EVIDENCE, StaleEvidence, load_stale_evidence
from bot.schedule.keys import city_of_target
from bot.schedule.levels import LevelScorer, scorer_for
from bot.schedule.policies import IDLE_WORKING_DAYS
from bot.schedule.views import (
    AreaLine,
    BehindLine,
    DigestView,
    ErrorLine,
    MilestoneLine,
    PreviousDigest,
)
from bot.services.disagreement_views import DisagreementView, digest_disagreements
from bot.services.evidence_age import DEFAULT_MAX_AGE_MONTHS
from rubric.index import index_for
from rubric.schema import Rubric
from storage.enums import AnswerStatus, AssessmentStatus, MilestoneStatus
from storage.repo import digests, sweeps
from storage.repo.digests import MilestoneLineRow, RespondentRow, RoundRow, SnapshotRow
from storage.repo.sweeps import CityRow, LedgerRow, PersonRow

DUE_SOON_DAYS = 14
ERRORS_LOOKBACK = timedelta(days=7)
"""Without an earlier digest, errors of the last week are shown."""
IDLE_AT_LEAST = timedelta(days=2)
"""Three working days without activity are at least this long (who can be behind at all)."""

Names = tuple[tuple[str, ...], dict[str, str], tuple[tuple[str, Decimal], ...]]
"""Area names in the rubric's order, level names by id, (level name, threshold) lowest first."""

_DONE, _OPEN, _DROPPED = MilestoneStatus.DONE, MilestoneStatus.OPEN, MilestoneStatus.DROPPED
_new = tuple.__new__
"""Builds a line (a named tuple) from its fields without the Python-level `__new__`: a digest of
10,000 cities builds about a hundred thousand lines."""


@dataclass(frozen=True)
class DueDigest:
    """A digest to build: the city, the period key, the local day of its slot."""

    city: CityRow
    period_key: str
    day: date


def build_digests(
    session: Session,
    *,
    rubric: Rubric,
    due: Sequence[DueDigest],
    now: datetime,
    evidence_max_age_months: int = DEFAULT_MAX_AGE_MONTHS,
) -> dict[int, DigestView]:
    """The digest of each city in `due`, by city id (a fixed number of statements)."""
    source = DigestSource.load(
        session, rubric=rubric, due=due, now=now, evidence_max_age_months=evidence_max_age_months
    )
    return {item.city.id: source.view(item) for item in due}


class DigestSource:
    """What the digests of a set of cities are built from, read once."""

    def __init__(
        self,
        rubric: Rubric,
        now: datetime,
        *,
        rounds: Sequence[RoundRow],
        plans: Mapping[int, tuple[int, int]],
        milestones: Mapping[int, list[MilestoneLineRow]],
        answered: Mapping[int, tuple[int, ...]],
        met: Mapping[int, int],
        respondents: Mapping[int, list[RespondentRow]],
        previous: Mapping[int, SnapshotRow],
        errors: Mapping[int, list[LedgerRow]],
        people: Mapping[int, PersonRow],
    ) -> None:
        self.rubric, self.now = rubric, now
        index = index_for(rubric)
        self.scorer: LevelScorer = scorer_for(index)
        self.same_rubric = {
            r.id: (r.rubric_id, r.rubric_version) == (rubric.id, rubric.version) for r in rounds
        }
        self.open_round = {r.city_id: r.id for r in rounds if r.status == AssessmentStatus.OPEN}
        self.plans, self.milestones = plans, milestones
        self.answered, self.met = answered, met
        """Per open round, criteria answered (not skipped) in each area in the rubric's order;
        per planned round, the criteria its answers meet (prerequisites aside) as scorer bits."""
        self.respondents, self.previous = respondents, previous
        self.errors, self.people = errors, people
        self.given: Mapping[int, Sequence[str]] = {}
        """Per open round, the ids of its answered (not skipped) criteria."""
        self._given_sets: dict[int, frozenset[str]] = {}
        self.disagreements: Mapping[int, tuple[DisagreementView, ...]] = {}
        """Per open round, its open disagreements between respondents."""
        self.evidence: StaleEvidence = NO_STALE_EVIDENCE
        """Per city, the criteria of its latest round whose evidence is all stale."""
        self.areas = [area_id for area_id, _ in index.areas]
        self.area_sizes = [len(ids) for _, ids in index.areas]
        position = {area_id: n for n, area_id in enumerate(self.areas)}
        self.area_at = {area_id: n for n, area_id in enumerate(self.areas)}
        self.criterion = {
            cid: (position[facts.area_id], self.scorer.bit[cid] & self.scorer.full)
            for cid, facts in index.criteria.items()
        }
        """Criterion id -> (area position, its bit when a done milestone meets it, else 0)."""
        self._names: dict[str, Names] = {}
        self.days: dict[date | str, date] = {}
        """Due dates as read (text on SQLite), parsed once each."""
        self._idle: dict[tuple[date, date, tuple[int, ...]], int] = {}

    @classmethod
    def load(
        cls,
        session: Session,
        *,
        rubric: Rubric,
        due: Sequence[DueDigest],
        now: datetime,
        evidence_max_age_months: int = DEFAULT_MAX_AGE_MONTHS,
    ) -> DigestSource:
        """Read what the digests of `due` need (about eight statements, whatever their number)."""
        city_ids = [d.city.id for d in due]
        rounds = digests.current_rounds(session, city_ids=city_ids) if city_ids else []
        plans: dict[int, tuple[int, int]] = {}  # city -> (plan id, round id); the newest wins
        if rounds:
            for plan in digests.current_plans(session, city_ids=city_ids):
                plans[plan.city_id] = (plan.id, plan.assessment_id)
        milestones: dict[int, list[MilestoneLineRow]] = {}
        if plans:
            for row in digests.plan_milestones(session, plan_ids=[p for p, _ in plans.values()]):
                milestones.setdefault(row[1], []).append(row)
        open_rounds = [r.id for r in rounds if r.status == AssessmentStatus.OPEN]
        planned = {a for _, a in plans.values()}
        given = digests.answered_ids(session, assessment_ids=open_rounds) if open_rounds else {}
        packed = digests.answer_records(session, assessment_ids=planned) if planned else {}
        respondents: dict[int, list[RespondentRow]] = {}
        if open_rounds:
            for who in digests.respondents_of(
                session, assessment_ids=open_rounds, inactive_before=now - IDLE_AT_LEAST
            ):
                respondents.setdefault(who.assessment_id, []).append(who)
        previous = digests.latest_snapshots(session, city_ids=city_ids) if city_ids else {}
        since = min([s.sent_at for s in previous.values()] + [now - ERRORS_LOOKBACK])
        errors: dict[int, list[LedgerRow]] = {}
        wanted_cities = set(city_ids)
        for error in sweeps.permanent_errors_since(session, since=since) if city_ids else []:
            city = city_of_target(error.target)
            if city in wanted_cities:
                errors.setdefault(city, []).append(error)
        person_ids = {
            pid
            for found in errors.values()
            for e in found
            if (pid := _target_id(e.target, "person")) is not None
        }
        people = sweeps.people_by_id(session, person_ids=person_ids) if person_ids else {}
        source = cls(
            rubric,
            now,
            rounds=rounds,
            plans=plans,
            milestones=milestones,
            answered=_answered_by_area(rubric, given),
            met=_met_by_answers(rubric, packed),
            respondents=respondents,
            previous=previous,
            errors=errors,
            people=people,
        )
        source.given = given
        source.disagreements = digest_disagreements(session, rubric=rubric, rounds=rounds, due=due)
        source.evidence = load_stale_evidence(
            session, rounds=rounds, now=now, months=evidence_max_age_months
        )
        return source

    def view(self, item: DueDigest) -> DigestView:
        """One city's digest."""
        city, lang, now = item.city, item.city.language, self.now
        today = local_date(now, city.timezone)
        area_names, level_names, thresholds = self._names_in(lang)
        plan = self.plans.get(city.id)
        rows = self.milestones.get(plan[0], []) if plan is not None else []
        areas = len(self.areas)
        planned, finished = [0] * areas, [0] * areas
        kept = done = done_mask = every_mask = 0
        due_soon, overdue = [], []
        criterion, days_of = self.criterion, self.days
        for _, _, cid, title, _, owner, due, status in rows:
            if status == _DROPPED:
                continue
            kept += 1
            where = criterion.get(cid)
            if where is not None:
                planned[where[0]] += 1
                every_mask |= where[1]
            if status == _DONE:
                done += 1
                if where is not None:
                    finished[where[0]] += 1
                    done_mask |= where[1]
            elif status == _OPEN:
                due_on = days_of.get(due) or self.day(due)
                days = (due_on - today).days
                if days < 0:
                    overdue.append(_new(MilestoneLine, (title, owner, due_on, days)))
                elif days <= DUE_SOON_DAYS:
                    due_soon.append(_new(MilestoneLine, (title, owner, due_on, days)))
        level_now = level_all_done = None
        if plan is not None and self.same_rubric.get(plan[1], False):
            base = self.met.get(plan[1], 0)
            reached = self.scorer.level(base | done_mask)
            level_now = reached.id if reached else None
            reached = self.scorer.level(base | every_mask)
            level_all_done = reached.id if reached else None
        open_round = self.open_round.get(city.id)
        answered: tuple[int, ...] | None = None
        if open_round is not None and self.same_rubric.get(open_round, False):
            answered = self.answered.get(open_round, (0,) * areas)
        previous = self.previous.get(city.id)
        return DigestView(
            city_id=city.id,
            city_name=city.name,
            lang=lang,
            week=item.period_key,
            day=item.day,
            areas=tuple(
                _new(
                    AreaLine,
                    (name, None if answered is None else answered[n], size, done_n, plan_n),
                )
                for n, (name, size, done_n, plan_n) in enumerate(
                    zip(area_names, self.area_sizes, finished, planned, strict=True)
                )
            ),
            behind=self._behind(city, today, answered, open_round),
            done=done,
            total=kept,
            level_now=level_names.get(level_now) if level_now else None,
            level_all_done=level_names.get(level_all_done) if level_all_done else None,
            level_now_id=level_now,
            level_all_done_id=level_all_done,
            previous=_previous(previous, level_names, city.timezone),
            due_soon=tuple(due_soon),
            overdue=tuple(overdue),
            errors=self._errors(city, previous, rows),
            has_plan=plan is not None,
            thresholds=thresholds,
            disagreements=self.disagreements.get(open_round, ()) if open_round else (),
            stale_evidence=self.evidence.of(city.id),
            stale_before=self.evidence.day(city.timezone),
        )

    # ---- internals ----------------------------------------------------------------------------
    def _behind(
        self, city: CityRow, today: date, answered: tuple[int, ...] | None, open_round: int | None
    ) -> tuple[BehindLine, ...]:
        if answered is None or open_round is None:
            return ()
        lines = []
        for who in self.respondents.get(open_round, ()):
            unanswered = sum(
                self.area_sizes[n] - answered[n]
                for area in who.area_ids
                if (n := self.area_at.get(area)) is not None
            )
            if who.criterion_ids:  # criteria assigned alone: each one unanswered
                given = self._given(open_round)
                unanswered += sum(
                    1
                    for cid in who.criterion_ids
                    if cid not in given
                    and cid in self.criterion
                    and self.areas[self.criterion[cid][0]] not in who.area_ids
                )
            if unanswered == 0:
                continue
            last = who.last_assigned_at
            if who.last_activity_at is not None and who.last_activity_at > last:
                last = who.last_activity_at
            if self._idle_days(local_date(last, city.timezone), today, city) >= IDLE_WORKING_DAYS:
                active = (
                    local_date(who.last_activity_at, city.timezone)
                    if who.last_activity_at
                    else None
                )
                lines.append(BehindLine(who.name, unanswered, active))
        return tuple(sorted(lines, key=lambda b: (b.last_active or date.min, b.name)))

    def day(self, value: date | str) -> date:
        """A due date as read, parsed (and kept in `days`)."""
        found = self.days[value] = (
            value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        )
        return found

    def _given(self, open_round: int) -> frozenset[str]:
        found = self._given_sets.get(open_round)
        if found is None:
            found = self._given_sets[open_round] = frozenset(self.given.get(open_round, ()))
        return found

    def _idle_days(self, start: date, end: date, city: CityRow) -> int:
        key = (start, end, city.working_days)
        found = self._idle.get(key)
        if found is None:
            found = self._idle[key] = working_days_after(start, end, city.working_days)
        return found

    def _errors(
        self, city: CityRow, previous: SnapshotRow | None, rows: Sequence[MilestoneLineRow]
    ) -> tuple[ErrorLine, ...]:
        found = self.errors.get(city.id)
        if not found:
            return ()
        since = previous.sent_at if previous else self.now - ERRORS_LOOKBACK
        about = {row[0]: (row[3], row[4]) for row in rows}
        owners = {row[4]: row[5] for row in rows if row[4] is not None}
        return tuple(
            _error_line(e, self.people, owners, about, city.timezone)
            for e in found
            if e.claimed_at >= since
        )

    def _names_in(self, lang: str) -> Names:
        """Area names, level names by id, and level thresholds, in one language (cached)."""
        cached = self._names.get(lang)
        if cached is None:
            rubric = self.rubric
            cached = (
                tuple(area.name.get(lang) for area in rubric.areas),
                {level.id: level.name.get(lang) for level in rubric.levels},
                tuple(
                    (level.name.get(lang), level.min_percent)
                    for level in sorted(rubric.levels, key=lambda lv: lv.min_percent)
                ),
            )
            self._names[lang] = cached
        return cached


def _answered_by_area(
    rubric: Rubric, answered: Mapping[int, Sequence[str]]
) -> dict[int, tuple[int, ...]]:
    """Each round's count of answered criteria in each area, in the rubric's order."""
    index = index_for(rubric)
    position = {cid: n for n, (_, ids) in enumerate(index.areas) for cid in ids}
    found = {}
    for round_id, ids in answered.items():
        counts = [0] * len(index.areas)
        for cid in ids:
            n = position.get(cid)
            if n is not None:
                counts[n] += 1
        found[round_id] = tuple(counts)
    return found


def _met_by_answers(rubric: Rubric, packed: Mapping[int, str]) -> dict[int, int]:
    """Each round's criteria met by their answers (scorer bits), from `answer_records`.

    Rounds share most answer values (the same criterion, status and ticks), so each distinct
    record is judged once.
    """
    scorer = scorer_for(index_for(rubric))
    judged: dict[str, int] = {}
    found = {}
    for round_id, text in packed.items():
        met = 0
        for record in text.split(digests.RECORD_SEPARATOR):
            bit = judged.get(record)
            if bit is None:
                bit = judged[record] = _judge(scorer, record)
            met |= bit
        found[round_id] = met
    return found


def _judge(scorer: LevelScorer, record: str) -> int:
    """The criterion's bit if its packed answer meets its rule (prerequisites aside), else 0."""
    cid, status, ticked = digests.answer_fields(record)
    facts = scorer.index.criteria.get(cid)
    if status == AnswerStatus.SKIPPED or facts is None:
        return 0
    items = facts.items.intersection(json.loads(ticked) or ())
    return scorer.bit[cid] if len(items) >= facts.required else 0


def _previous(
    snapshot: SnapshotRow | None, names: Mapping[str, str], tz: str
) -> PreviousDigest | None:
    if snapshot is None:
        return None
    return PreviousDigest(
        day=local_date(snapshot.sent_at, tz),
        level_now=names.get(snapshot.level_now or ""),
        level_all_done=names.get(snapshot.level_all_done or ""),
        done=snapshot.milestones_done,
        total=snapshot.milestones_total,
    )


def _error_line(
    row: LedgerRow,
    people: Mapping[int, PersonRow],
    owners: Mapping[int, str | None],
    milestones: Mapping[int, tuple[str, int | None]],
    tz: str,
) -> ErrorLine:
    milestone = _target_id(row.target, "milestone")
    title, owner = (
        milestones.get(milestone, (None, None)) if milestone is not None else (None, None)
    )
    person = _target_id(row.target, "person") or owner
    who = None
    if person is not None:
        known = people.get(person)
        who = known.name if known is not None else owners.get(person)
    return ErrorLine(
        kind=row.kind,
        who=who,
        about=title,
        error=(row.error or "").split(":")[0].strip() or "error",
        on=local_date(row.claimed_at, tz),
    )


def _target_id(target: str, part: str) -> int | None:
    for piece in target.split("/"):
        name, _, value = piece.partition(":")
        if name == part and value.isdigit():
            return int(value)
    return None
