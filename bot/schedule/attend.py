"""The attention policy inside a sweep: held nudges come back, and each nudge due is sent, sent
to a deputy, or held until the person may be nudged (`bot.schedule.attention` decides).

1. `revive` (in the sweep's reads): held nudges whose time has come are rebuilt from what they
   are about, as they stand now (a milestone still open with the same due date; a round still
   open with unanswered criteria), the newest of each target only; the rest is forgotten.
2. `plan`: for every nudge due (fresh or revived), in order of urgency, the recipient (a deputy
   while the person is away), their window, away state and nudges this week are read in a few
   bulk statements; then Slack's do-not-disturb and status are read (fail open) for those about
   to go. Held nudges are stored under their ledger key with when to try again.
3. The sweep claims and sends what `plan` kept; once sent, their held rows are dropped (`sent`).

A nudge is never sent twice: it keeps its ledger key whoever gets it, and a held nudge is the
same key later. It is never lost: held until the person may be nudged, it goes out then (or a
newer nudge about the same thing goes instead).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Protocol

from sqlalchemy import Engine
from sqlmodel import Session

from bot.schedule import keys
from bot.schedule.attention import (
    UNCAPPED_KINDS,
    AttentionRules,
    AwayState,
    Decision,
    Signals,
    Verdict,
    attention_decision,
    is_away,
    latest_held,
    nudges_this_week,
    recipient,
    window_for,
)
from bot.schedule.calendar import local_date
from bot.schedule.cover import CoverView
from bot.schedule.due import (
    DueSend,
    IdleRespondent,
    followup_sends,
    overdue_notice,
    reminder_sends,
)
from bot.schedule.policies import Stage
from bot.schedule.views import FollowupView, ReminderView
from rubric.schema import Rubric
from storage.enums import MilestoneStatus
from storage.repo import attention as store
from storage.repo import digests, sweeps
from storage.repo.attention import HeldRow, Hold
from storage.repo.sweeps import CityRow, PersonRow
from storage.session import unit_of_work

logger = logging.getLogger("citycheck.schedule")

GOVERNED_KINDS = {keys.MILESTONE_REMINDER, keys.MILESTONE_OVERDUE, keys.FOLLOWUP}
"""The sweep's nudges to people; digests go to channels and are not governed (see `govern`)."""

Reviver = Callable[[Session, datetime, Mapping[int, CityRow], Sequence[HeldRow]], list[DueSend]]
REVIVERS: dict[str, Reviver] = {}
"""How the held nudges of other kinds are rebuilt as sends (see `govern`)."""


def govern(kind: str, reviver: Reviver | None = None) -> None:
    """Put the sweep's sends of `kind` under the attention policy (those with a `recipient_id`);
    `reviver` rebuilds its held nudges when their time comes (as they stand then: return no send
    for one that is moot, and its held row is forgotten). Without one, a held nudge of this kind
    waits until a fresh send of its key is due again."""
    GOVERNED_KINDS.add(kind)
    if reviver is not None:
        REVIVERS[kind] = reviver


COUNT_BACK = timedelta(days=8)
"""Nudges are read this far back: enough for the ISO week of any timezone."""


class SignalReader(Protocol):
    """Reads Slack's do-not-disturb and status of a person; None when it cannot (fail open)."""

    def read(self, team_id: str, user_id: str, now: datetime) -> Signals | None:
        """What Slack says about this person now."""


@dataclass
class Planned:
    """What `plan` decided: the sends to deliver now, and how many nudges it held."""

    sends: list[DueSend]
    held: int = 0
    waiting: list[DueSend] = field(default_factory=list)
    """The nudges held or skipped (a milestone's next look need not wait for them)."""


class Attention:
    """The attention policy of one sweeper: its rules, Slack's signals, the held nudges."""

    def __init__(self, rules: AttentionRules, signals: SignalReader | None = None) -> None:
        self.rules = rules
        self.signals = signals
        self._forget: list[int] = []
        self._revived: set[tuple[str, str, str]] = set()

    # 1. held nudges whose time has come ------------------------------------------------------
    def revive(
        self,
        session: Session,
        now: datetime,
        cities: Mapping[int, CityRow],
        rubric: Rubric | None,
    ) -> list[DueSend]:
        """The held nudges due at `now`, rebuilt as sends (in the sweep's read session)."""
        rows = store.held_due(session, now=now)
        self._forget, self._revived = [r.id for r in rows if r.finished], set()
        keep, older = latest_held(r for r in rows if not r.finished)
        self._forget += [r.id for r in older]
        sends: list[DueSend] = []
        by_kind: dict[str, list[HeldRow]] = {}
        for row in keep:
            by_kind.setdefault(row.kind, []).append(row)
        milestone_rows = [*by_kind.get(keys.MILESTONE_REMINDER, ()), *by_kind.get(
            keys.MILESTONE_OVERDUE, ()
        )]  # fmt: skip
        if milestone_rows:
            sends += self._milestones(session, now, cities, milestone_rows)
        if by_kind.get(keys.FOLLOWUP) and rubric is not None:
            sends += self._followups(session, now, cities, rubric, by_kind[keys.FOLLOWUP])
        for kind, reviver in REVIVERS.items():
            if by_kind.get(kind):
                sends += reviver(session, now, cities, by_kind[kind])
        built = {s.key for s in sends}
        rebuilt = {keys.MILESTONE_REMINDER, keys.MILESTONE_OVERDUE, keys.FOLLOWUP, *REVIVERS}
        self._forget += [
            r.id for r in keep if r.kind in rebuilt and (r.kind, r.target, r.period_key)
            not in built
        ]  # fmt: skip
        self._revived = built
        return sends

    def _milestones(
        self,
        session: Session,
        now: datetime,
        cities: Mapping[int, CityRow],
        held: Sequence[HeldRow],
    ) -> list[DueSend]:
        ids = {_milestone_of(r.target) for r in held} - {None}
        rows = sweeps.milestone_rows(session, milestone_ids=ids)  # type: ignore[arg-type]
        states = sweeps.milestone_states(session, milestone_ids=ids)  # type: ignore[arg-type]
        wanted = [_person_of(r.target) for r in held]
        coordinators = sweeps.people_by_id(session, person_ids=[p for p in wanted if p])
        sends = []
        for row in held:
            mid, (stage, _, due) = _milestone_of(row.target), row.period_key.partition("@")
            milestone = rows.get(mid or -1)
            state = states.get(mid or -1)
            if milestone is None or state is None or milestone.city_id not in cities:
                continue
            snoozed = state.snoozed_until is not None and state.snoozed_until > now
            if state.status != MilestoneStatus.OPEN or due != state.due_on.isoformat() or snoozed:
                continue
            if row.kind == keys.MILESTONE_REMINDER:
                sends += reminder_sends(now, cities, [(milestone, Stage(stage, now))], {})
                continue
            person = coordinators.get(_person_of(row.target) or -1)
            if person is not None:
                sends.append(_overdue(now, cities[milestone.city_id], milestone, person, row))
        return [s for s in sends if s.key in {(r.kind, r.target, r.period_key) for r in held}]

    def _followups(
        self,
        session: Session,
        now: datetime,
        cities: Mapping[int, CityRow],
        rubric: Rubric,
        held: Sequence[HeldRow],
    ) -> list[DueSend]:
        on = {r.target: date.fromisoformat(r.period_key) for r in held}
        idle = [
            IdleRespondent(
                cities[row.city_id],
                row.person,
                row.assessment_id,
                row.area_ids,
                (row.rubric_id, row.rubric_version),
                on[target],
                row.criterion_ids,
            )
            for row in store.followup_rounds(session, targets=on)
            if row.city_id in cities
            and (target := keys.followup_target(row.city_id, row.assessment_id, row.person.id))
            in on
            and row.completed_at is None
            and (row.paused_until is None or row.paused_until <= now)
        ]
        if not idle:
            return []
        answered = digests.answered_criteria(
            session, assessment_ids={i.assessment_id for i in idle}
        )
        return followup_sends(rubric, idle, answered)

    # 2. decide each nudge ------------------------------------------------------------------------
    def plan(
        self, engine: Engine, sends: Sequence[DueSend], now: datetime, cities: Mapping[int, CityRow]
    ) -> Planned:
        """Route, send or hold each nudge of `sends` (others pass through); stores the holds."""
        governed = sorted(
            (s for s in sends if s.kind in GOVERNED_KINDS and s.recipient_id is not None),
            key=_urgency,
        )
        passing = [s for s in sends if not (s.kind in GOVERNED_KINDS and s.recipient_id)]
        if not governed:
            self._store(engine, [], [], now)
            return Planned(passing)
        with unit_of_work(engine, read_only=True) as session:
            state = _State.load(session, governed, now)
        decided: list[tuple[DueSend, Decision, int]] = []
        planned: dict[int, list[datetime]] = {}
        for send in governed:
            routed, person = self._route(send, state, now)
            if routed is None or person is None:
                decided.append((send, Decision(Verdict.SKIP), send.recipient_id or 0))
                continue
            decision = self._decide(routed, person, state, planned, now, cities)
            if decision.verdict == Verdict.SEND:
                decision = self._with_signals(routed, person, state, planned, now, cities)
            if decision.verdict == Verdict.SEND:
                planned.setdefault(person.id, []).append(now)
            decided.append((routed, decision, send.recipient_id or 0))
        return self._apply(engine, passing, decided, state, now)

    def _route(
        self, send: DueSend, state: _State, now: datetime
    ) -> tuple[DueSend | None, PersonRow | None]:
        assert send.recipient_id is not None
        to, covering = recipient(send.kind, send.recipient_id, state.away, now)
        person = state.people.get(to)
        if covering is None or person is None:
            return send, person
        away = state.people.get(send.recipient_id)
        inner = send.view
        if not isinstance(inner, ReminderView | FollowupView) or away is None:
            return send, state.people.get(send.recipient_id)
        lang = person.language or inner.lang
        view = CoverView(away.name, covering.back_on, replace(inner, lang=lang), lang)
        return replace(send, channel=person.slack_user_id, view=view, recipient_id=to), person

    def _decide(
        self,
        send: DueSend,
        person: PersonRow,
        state: _State,
        planned: Mapping[int, list[datetime]],
        now: datetime,
        cities: Mapping[int, CityRow],
        signals: Signals | None = None,
    ) -> Decision:
        city = cities.get(keys.city_of_target(send.target) or -1)
        tz = person.timezone or (city.timezone if city else None)
        preference = state.preferences.get(person.id)
        window = window_for(
            self.rules,
            tz=tz,
            working_days=city.working_days if city else (1, 2, 3, 4, 5),
            days=preference.days if preference else None,
            at=preference.at if preference else None,
        )
        away = state.away.get(person.id)
        sent = [*state.nudged.get(person.id, ()), *planned.get(person.id, ())]
        return attention_decision(
            now=now,
            window=window,
            away_until=away.until_at if is_away(away, now) and away else None,
            signals=signals,
            sent_this_week=nudges_this_week(sent, now, tz),
            weekly_cap=self.rules.weekly_cap,
            capped=send.kind not in UNCAPPED_KINDS,
        )

    def _with_signals(
        self,
        send: DueSend,
        person: PersonRow,
        state: _State,
        planned: Mapping[int, list[datetime]],
        now: datetime,
        cities: Mapping[int, CityRow],
    ) -> Decision:
        if self.signals is None:
            return Decision(Verdict.SEND)
        key = (send.team_id, person.slack_user_id)
        if key not in state.signals:
            state.signals[key] = self.signals.read(send.team_id, person.slack_user_id, now)
        signals = state.signals[key]
        if signals is None:
            return Decision(Verdict.SEND)
        return self._decide(send, person, state, planned, now, cities, signals)

    def _apply(
        self,
        engine: Engine,
        passing: list[DueSend],
        decided: Sequence[tuple[DueSend, Decision, int]],
        state: _State,
        now: datetime,
    ) -> Planned:
        out, holds, drop, waiting = list(passing), [], [], []
        for send, decision, meant_for in decided:
            older = [
                r.id
                for r in state.held.get((send.kind, send.target), ())
                if r.period_key != send.period_key
            ]
            drop += older  # a newer nudge about the same thing supersedes them
            if decision.verdict == Verdict.SEND:
                out.append(send)
                continue
            waiting.append(send)
            if decision.verdict == Verdict.SKIP:
                logger.warning("not sending %s %s %s: %s", *send.key, decision.reason or "gone")
                drop += [r.id for r in state.held.get((send.kind, send.target), ())]
                continue
            assert decision.at is not None and decision.reason is not None
            hold = Hold(*send.key, meant_for, decision.at, decision.reason.value)
            if not any(
                (r.period_key, r.person_id, r.not_before, r.reason) == hold[2:]
                for r in state.held.get((send.kind, send.target), ())
            ):
                holds.append(hold)  # held already as it is: nothing to write
        self._store(engine, holds, drop, now)
        return Planned(out, len(holds), waiting)

    def _store(self, engine: Engine, holds: list[Hold], drop: list[int], now: datetime) -> None:
        forget = [*self._forget, *drop]
        self._forget = []
        if not holds and not forget:
            return
        with unit_of_work(engine) as session:
            store.drop_held(session, ids=forget)
            store.hold(session, nudges=holds, now=now)

    # 3. after sending --------------------------------------------------------------------------
    def sent(self, session: Session, finished: Iterable[tuple[str, str, str]]) -> None:
        """Forget the held rows of revived nudges that went out (or were given up for good)."""
        done = [key for key in finished if key in self._revived]
        if done:
            store.drop_held_keys(session, keys=done)


@dataclass
class _State:
    """What the policy reads for one sweep's nudges, in a few bulk statements."""

    people: dict[int, PersonRow]
    away: dict[int, AwayState]
    preferences: dict[int, store.PreferenceRow]
    nudged: dict[int, list[datetime]]
    held: dict[tuple[str, str], list[HeldRow]]
    signals: dict[tuple[str, str], Signals | None] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, sends: Sequence[DueSend], now: datetime) -> _State:
        """Read the state of every recipient of `sends` and of their deputies."""
        ids = {s.recipient_id for s in sends if s.recipient_id is not None}
        away = {
            pid: AwayState(pid, row.until_at, row.back_on, row.deputy_id)
            for pid, row in store.current_away(session, person_ids=ids, now=now).items()
        }
        deputies = {a.deputy_id for a in away.values() if a.deputy_id is not None} - ids
        if deputies:
            for pid, row in store.current_away(session, person_ids=deputies, now=now).items():
                away[pid] = AwayState(pid, row.until_at, row.back_on, row.deputy_id)
        everyone = ids | deputies
        held: dict[tuple[str, str], list[HeldRow]] = {}
        kinds, targets = {s.kind for s in sends}, {s.target for s in sends}
        for found in store.held_for(session, kinds=kinds, targets=targets):
            held.setdefault((found.kind, found.target), []).append(found)
        return cls(
            people=sweeps.people_by_id(session, person_ids=everyone),
            away=away,
            preferences=store.preferences(session, person_ids=everyone),
            nudged=store.nudge_times(
                session, person_ids=everyone, since=now - COUNT_BACK, uncapped=UNCAPPED_KINDS
            ),
            held=held,
        )


def _urgency(send: DueSend) -> tuple[int, date, str]:
    """Most urgent first: reminders by due date, coordinators' notices, then follow-ups."""
    rank = {keys.MILESTONE_REMINDER: 0, keys.MILESTONE_OVERDUE: 1}.get(send.kind, 2)
    return rank, send.due_on or date.max, send.target


def _milestone_of(target: str) -> int | None:
    _, _, rest = target.partition("/milestone:")
    number = rest.split("/", 1)[0]
    return int(number) if number.isdigit() else None


def _person_of(target: str) -> int | None:
    _, _, rest = target.partition("/person:")
    return int(rest) if rest.isdigit() else None


def _overdue(
    now: datetime, city: CityRow, milestone: sweeps.MilestoneRow, person: PersonRow, row: HeldRow
) -> DueSend:
    overdue = (local_date(now, city.timezone) - milestone.due_on).days
    return overdue_notice(city, milestone, person, row.target, row.period_key, overdue)
