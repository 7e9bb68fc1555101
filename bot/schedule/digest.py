"""The weekly coordinator digests of many cities, from a fixed number of bulk reads.

For each city: interview progress by area (its open round), the plan's progress by area and the
levels it leads to (its newest plan in a round not archived), who is behind and since when,
milestones due in the next 14 days and overdue ones, the permanent send errors since the last
digest, and what the last digest said.

`DigestSource.load` reads what every due city's digest needs in about ten statements, however
many cities are due (see `storage.repo.digests`); `source.view(item)` then builds one city's
digest in memory, so a sweep can build and send them a batch at a time. What a digest only
counts is read packed and reduced: how many criteria of each area are answered, which criteria
are met by their answer (held as bits, scored into levels by `bot.schedule.levels`), and the
criteria of the plan's milestones kept and done. Only the milestones a digest lists are rows.
Cities share most of these inputs (the same criteria planned, the same counts, calendars and
assignments), so each distinct one is worked out once and the lines built from it are shared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import partial
from itertools import groupby
from operator import itemgetter, sub

from sqlmodel import Session

from bot.schedule.calendar import local_date
from bot.schedule.digest_inputs import (
    Memo,
    Tally,
    alone_in_rubric,
    answered_by_area,
    areas_in_rubric,
    collector_paused,
    due_day,
    latest_idle_day,
    level_id,
    local_days_in,
    met_by_answers,
    tally,
)
from bot.schedule.evidence import NO_STALE_EVIDENCE, StaleEvidence, load_stale_evidence
from bot.schedule.keys import city_of_target
from bot.schedule.levels import LevelScorer, scorer_for
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
from storage.enums import AssessmentStatus
from storage.repo import digests, sweeps
from storage.repo.digests import (
    DueMilestoneRow,
    MilestoneRef,
    PlanRow,
    RespondentRow,
    RoundRow,
    SnapshotRow,
)
from storage.repo.sweeps import CityRow, LedgerRow, PersonRow

DUE_SOON_DAYS = 14
ERRORS_LOOKBACK = timedelta(days=7)
"""Without an earlier digest, errors of the last week are shown."""
IDLE_AT_LEAST = timedelta(days=2)
"""Three working days without activity are at least this long (who can be behind at all)."""
LOCAL_DAY_AHEAD = timedelta(days=1)
"""No timezone's date is more than a day ahead of UTC's: milestones due later than this plus
`DUE_SOON_DAYS` are due soon in no city (they are counted, not read)."""

Names = tuple[tuple[str, ...], dict[str, str], tuple[tuple[str, Decimal], ...]]
"""Area names in the rubric's order, level names by id, (level name, threshold) lowest first."""
_plan_of = itemgetter(0)
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
    with collector_paused():  # the source is freed before the collector runs again
        return {
            view.city_id: view
            for view in DigestSource.load(
                session,
                rubric=rubric,
                due=due,
                now=now,
                evidence_max_age_months=evidence_max_age_months,
            ).views(due)
        }


class DigestSource:
    """What the digests of a set of cities are built from, read once."""

    def __init__(
        self,
        rubric: Rubric,
        now: datetime,
        *,
        rounds: Sequence[RoundRow],
        plans: Mapping[int, PlanRow],
        milestones: Mapping[int, Sequence[DueMilestoneRow]],
        answered: Mapping[int, tuple[int, ...]],
        met: Mapping[int, int],
        respondents: Mapping[int, Sequence[RespondentRow]],
        previous: Mapping[int, SnapshotRow],
        errors: Mapping[int, list[LedgerRow]],
        people: Mapping[int, PersonRow],
        about: Mapping[int, MilestoneRef] | None = None,
    ) -> None:
        self.rubric, self.now = rubric, now
        index = index_for(rubric)
        self.scorer: LevelScorer = scorer_for(index)
        self.same_rubric = {
            r.id: (r.rubric_id, r.rubric_version) == (rubric.id, rubric.version) for r in rounds
        }
        self.open_round = {r.city_id: r.id for r in rounds if r.status == AssessmentStatus.OPEN}
        self.plans, self.milestones = plans, milestones
        """Per city, its newest plan; per plan, its open milestones due soon or overdue."""
        self.answered, self.met = answered, met
        """Per open round, criteria answered (not skipped) in each area in the rubric's order;
        per planned round, the criteria its answers meet (prerequisites aside) as scorer bits."""
        self.respondents, self.previous = respondents, previous
        self.errors, self.people = errors, people
        self.about: dict[int, dict[int, MilestoneRef]] = {}
        """The milestones the failed sends in `errors` were about, by plan and id."""
        for ref in (about or {}).values():
            self.about.setdefault(ref.plan_id, {})[ref.id] = ref
        self.given: Mapping[int, Sequence[str]] = {}
        """Per open round, the ids of its answered (not skipped) criteria."""
        self._given_sets: dict[int, frozenset[str]] = {}
        self.disagreements: Mapping[int, tuple[DisagreementView, ...]] = {}
        """Per open round, its open disagreements between respondents."""
        self.evidence: StaleEvidence = NO_STALE_EVIDENCE
        """Per city, the criteria of its latest round whose evidence is all stale."""
        self.areas = [area_id for area_id, _ in index.areas]
        self.area_sizes = tuple(len(ids) for _, ids in index.areas)
        self.area_at = {area_id: n for n, area_id in enumerate(self.areas)}
        self.criterion = {
            cid: (self.area_at[facts.area_id], self.scorer.bit[cid] & self.scorer.full)
            for cid, facts in index.criteria.items()
        }
        """Criterion id -> (area position, its bit when a done milestone meets it, else 0)."""
        self._names: dict[str, Names] = {}
        # Cities share most of what their digests are built from: each distinct value is worked
        # out once (`_Memo`), and the lines built from it are shared (they are immutable). Each
        # memo computes from the source's tables, not from the source: with no reference cycle,
        # a source and its rows are freed as soon as the last digest is built.
        self._nothing: Tally = ((0,) * len(self.areas), 0, 0)
        self._tallies = Memo(partial(tally, self.criterion, len(self.areas)))
        self._levels = Memo(partial(level_id, self.scorer))
        self._today: Memo[str, date] = Memo(lambda tz: local_date(now, tz))
        self._due_days = Memo(due_day)
        self._unknown = (None,) * len(self.areas)
        self._area_lines: Memo[tuple[str, int | None, int, int, int], AreaLine] = Memo(
            lambda fields: _new(AreaLine, fields)
        )
        self._positions = Memo(partial(areas_in_rubric, self.area_at))
        self._alone = Memo(partial(alone_in_rubric, self.criterion, self.areas))
        self._idle_until = Memo(latest_idle_day)
        self._local_days = Memo(local_days_in)

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
        """Read what the digests of `due` need (about ten statements, whatever their number)."""
        with collector_paused():
            return cls._read(
                session,
                rubric=rubric,
                due=due,
                now=now,
                evidence_max_age_months=evidence_max_age_months,
            )

    @classmethod
    def _read(
        cls,
        session: Session,
        *,
        rubric: Rubric,
        due: Sequence[DueDigest],
        now: datetime,
        evidence_max_age_months: int,
    ) -> DigestSource:
        city_ids = [d.city.id for d in due]
        rounds = digests.current_rounds(session, city_ids=city_ids) if city_ids else []
        plans: dict[int, PlanRow] = {}  # by city; the newest wins
        if rounds:
            for plan in digests.current_plans(session, city_ids=city_ids):
                plans[plan.city_id] = plan
        milestones: dict[int, list[DueMilestoneRow]] = {}
        if plans:
            due_by = (now.astimezone(UTC) + LOCAL_DAY_AHEAD).date() + timedelta(DUE_SOON_DAYS)
            plan_ids = [p.id for p in plans.values()]
            rows = digests.due_milestones(session, plan_ids=plan_ids, due_by=due_by)
            milestones = {plan_id: list(found) for plan_id, found in groupby(rows, _plan_of)}
        open_rounds = [r.id for r in rounds if r.status == AssessmentStatus.OPEN]
        planned = {p.assessment_id for p in plans.values()}
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
        sent = [e for found in errors.values() for e in found]
        person_ids = {p for e in sent if (p := _target_id(e.target, "person")) is not None}
        people = sweeps.people_by_id(session, person_ids=person_ids) if person_ids else {}
        milestone_ids = {m for e in sent if (m := _target_id(e.target, "milestone")) is not None}
        about = (
            digests.milestones_by_id(session, milestone_ids=milestone_ids) if milestone_ids else {}
        )
        source = cls(
            rubric,
            now,
            rounds=rounds,
            plans=plans,
            milestones=milestones,
            answered=answered_by_area(rubric, given),
            met=met_by_answers(rubric, packed),
            respondents=respondents,
            previous=previous,
            errors=errors,
            people=people,
            about=about,
        )
        source.given = given
        source.disagreements = digest_disagreements(session, rubric=rubric, rounds=rounds, due=due)
        source.evidence = load_stale_evidence(
            session, rounds=rounds, now=now, months=evidence_max_age_months
        )
        return source

    def views(self, items: Iterable[DueDigest]) -> list[DigestView]:
        """The digests of these cities (a batch: built with the collector paused)."""
        with collector_paused():
            return [self.view(item) for item in items]

    def view(self, item: DueDigest) -> DigestView:
        """One city's digest."""
        city, lang = item.city, item.city.language
        today = self._today[city.timezone]
        _, level_names, thresholds = self._names_in(lang)
        plan = self.plans.get(city.id)
        planned = finished = self._nothing
        due_soon: tuple[MilestoneLine, ...] = ()
        overdue: tuple[MilestoneLine, ...] = ()
        level_now = level_all_done = None
        if plan is not None:
            planned, finished = self._tallies[plan.kept], self._tallies[plan.done]
            rows = self.milestones.get(plan.id)
            if rows:
                due_soon, overdue = self._due(rows, today)
            if self.same_rubric.get(plan.assessment_id, False):
                base = self.met.get(plan.assessment_id, 0)
                level_now = self._levels[base | finished[1]]
                level_all_done = self._levels[base | planned[1]]
        open_round = self.open_round.get(city.id)
        answered: tuple[int, ...] | None = None
        if open_round is not None and self.same_rubric.get(open_round, False):
            answered = self.answered.get(open_round, self._nothing[0])
        previous = self.previous.get(city.id)
        return DigestView(
            city_id=city.id,
            city_name=city.name,
            lang=lang,
            week=item.period_key,
            day=item.day,
            areas=self._lines(lang, answered, finished[0], planned[0]),
            behind=self._behind(city, today, answered, open_round),
            done=finished[2],
            total=planned[2],
            level_now=level_names.get(level_now) if level_now else None,
            level_all_done=level_names.get(level_all_done) if level_all_done else None,
            level_now_id=level_now,
            level_all_done_id=level_all_done,
            previous=_previous(previous, level_names, city.timezone),
            due_soon=due_soon,
            overdue=overdue,
            errors=self._errors(city, previous, plan),
            has_plan=plan is not None,
            thresholds=thresholds,
            disagreements=self.disagreements.get(open_round, ()) if open_round else (),
            stale_evidence=self.evidence.of(city.id),
            stale_before=self.evidence.day(city.timezone),
        )

    # ---- internals ----------------------------------------------------------------------------
    def _due(
        self, rows: Sequence[DueMilestoneRow], today: date
    ) -> tuple[tuple[MilestoneLine, ...], tuple[MilestoneLine, ...]]:
        """The milestones due in the next `DUE_SOON_DAYS` days, and the overdue ones."""
        soon, late = [], []
        start, days = today.toordinal(), self._due_days
        for _, title, owner, due in rows:
            due_on, ordinal = days[due]
            left = ordinal - start
            if left < 0:
                late.append(_new(MilestoneLine, (title, owner, due_on, left)))
            elif left <= DUE_SOON_DAYS:
                soon.append(_new(MilestoneLine, (title, owner, due_on, left)))
        return tuple(soon), tuple(late)

    def _lines(
        self,
        lang: str,
        answered: tuple[int, ...] | None,
        finished: tuple[int, ...],
        planned: tuple[int, ...],
    ) -> tuple[AreaLine, ...]:
        """The area lines of these counts (each distinct line is built once and shared)."""
        fields = zip(
            self._names_in(lang)[0],
            self._unknown if answered is None else answered,
            self.area_sizes,
            finished,
            planned,
            strict=True,
        )
        return tuple(map(self._area_lines.__getitem__, fields))

    def _behind(
        self, city: CityRow, today: date, answered: tuple[int, ...] | None, open_round: int | None
    ) -> tuple[BehindLine, ...]:
        if answered is None or open_round is None:
            return ()
        people = self.respondents.get(open_round)
        idle_until = self._idle_until[today, city.working_days]
        if not people or idle_until is None:
            return ()
        left = tuple(map(sub, self.area_sizes, answered))
        positions, alone, local_day = self._positions, self._alone, self._local_days[city.timezone]
        given: frozenset[str] | None = None
        lines = []
        for _, _, name, areas, assigned, active, single in people:
            unanswered = sum(map(left.__getitem__, positions[areas]))
            if single:  # criteria assigned alone: each one unanswered
                if given is None:
                    given = self._given(open_round)
                unanswered += sum(1 for cid in alone[single, areas] if cid not in given)
            if unanswered == 0:
                continue
            last = active if active is not None and active > assigned else assigned
            if local_day[last] <= idle_until:
                seen = local_day[active] if active is not None else None
                lines.append(_new(BehindLine, (name, unanswered, seen)))
        lines.sort(key=_behind_order)
        return tuple(lines)

    def _given(self, open_round: int) -> frozenset[str]:
        found = self._given_sets.get(open_round)
        if found is None:
            found = self._given_sets[open_round] = frozenset(self.given.get(open_round, ()))
        return found

    def _errors(
        self, city: CityRow, previous: SnapshotRow | None, plan: PlanRow | None
    ) -> tuple[ErrorLine, ...]:
        found = self.errors.get(city.id)
        if not found:
            return ()
        since = previous.sent_at if previous else self.now - ERRORS_LOOKBACK
        about = self.about.get(plan.id, {}) if plan is not None else {}
        return tuple(
            _error_line(e, self.people, about, city.timezone)
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


def _behind_order(line: BehindLine) -> tuple[date, str]:
    return (line.last_active or date.min, line.name)


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
    milestones: Mapping[int, MilestoneRef],
    tz: str,
) -> ErrorLine:
    """A failed send as the digest lists it: about a milestone of the city's plan, if it was."""
    milestone_id = _target_id(row.target, "milestone")
    milestone = milestones.get(milestone_id) if milestone_id is not None else None
    person = _target_id(row.target, "person") or (milestone.owner_id if milestone else None)
    who = None
    if person is not None:
        known = people.get(person)
        if known is not None:
            who = known.name
        else:
            who = next((m.owner_name for m in milestones.values() if m.owner_id == person), None)
    return ErrorLine(
        kind=row.kind,
        who=who,
        about=milestone.title if milestone else None,
        error=(row.error or "").split(":")[0].strip() or "error",
        on=local_date(row.claimed_at, tz),
    )


def _target_id(target: str, part: str) -> int | None:
    for piece in target.split("/"):
        name, _, value = piece.partition(":")
        if name == part and value.isdigit():
            return int(value)
    return None
