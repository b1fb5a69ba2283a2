"""Commented starter files for `trainweek init`, one per primary goal."""

from __future__ import annotations

import datetime as dt

from trainweek.scheduler.frame import next_monday
from trainweek.scheduler.training import Goal

_SESSIONS = {
    Goal.strength: """\
  - name: Heavy lower body
    kind: strength
    focus: lower               # lower | upper | full
    duration: 75m
    intensity: hard            # easy | moderate | hard (RPE 3 | 5 | 8 unless rpe is given)
    rpe: 8                     # how hard it feels, 1-10; load = rpe x minutes
    key: true                  # the week's key session: nothing demanding for the legs in the 24 h before
    times: 2
  - name: Upper body
    kind: strength
    focus: upper
    duration: 60m
  - name: Easy run
    kind: run
    duration: 40m
    intensity: easy
    times: 2
""",
    Goal.endurance: """\
  - name: Long run
    kind: run
    duration: 1h45m
    intensity: moderate        # easy | moderate | hard
    rpe: 5                     # 105 min x 5 = 525 AU: demanding by its load
    key: true                  # nothing demanding for the legs in the 24 h before it
    prefer: {days: [sat, sun]}   # asks; only_on: [sat, sun] would allow no other day
  - name: Intervals
    kind: run
    duration: 60m
    intensity: hard
    rpe: 8
  - name: Easy run
    kind: run
    duration: 45m
    intensity: easy
    times: 2
  - name: Full-body strength
    kind: strength
    focus: full
    duration: 45m
    times: 2
""",
    Goal.fat_loss: """\
  - name: Full-body circuit
    kind: strength
    focus: full
    duration: 45m
    times: 3
  - name: Brisk walk-run
    kind: run
    duration: 40m
    intensity: easy
    times: 2
  - name: Mobility
    kind: mobility
    duration: 20m
    intensity: easy
""",
    Goal.general: """\
  - name: Full-body strength
    kind: strength
    focus: full
    duration: 50m
    times: 2
  - name: Run
    kind: run
    duration: 35m
    times: 2
""",
}
_SESSIONS[Goal.hypertrophy] = _SESSIONS[Goal.strength]
_SESSIONS[Goal.power] = _SESSIONS[Goal.strength]

TEMPLATE = """\
# trainweek availability file. Solve it with: trainweek solve {path}
version: 2
profile: default                 # default | masters (about 50+) | beginner
athlete: You
timezone: Europe/Berlin          # your IANA time zone name
week_start: {monday}           # a Monday; leave out for next Monday
goals: [{goal}]                  # priority order: strength, hypertrophy, power, endurance, fat_loss, general
grid: 5m                         # start times on a 5-minute grid
availability:                    # when you are free, per weekday; a missing day means not available
  mon: ["06:00-08:00", "17:30-21:00"]
  tue: ["17:30-21:00"]
  wed: ["06:00-08:00", "17:30-21:00"]
  thu: ["17:30-21:00"]
  fri: ["17:00-20:00"]
  sat: ["08:00-13:00"]
  sun: ["09:00-12:00"]
busy: []                         # e.g. ["2026-12-02 18:00-19:30", "wed 12:00-13:00"]
sessions:                        # kind: strength | run | bike | swim | row | mobility
{sessions}rules:                           # hard rules; these are the default profile's
  modality_gap: 10m              # end of a lift to start of a run (or back); 6h forbids one visit
  double_gap: 4h                 # two endurance sessions on one day
  rest_days: 1
  max_sessions_per_day: 2
  easy_days_between: 1           # days between demanding sessions loading the same body region
  stack_gap: 6h                  # two demanding sessions on one day (a stacked hard day); false forbids
  key_clearance: 24h             # nothing demanding for the same region this long before a key session
  demanding_load: 400            # AU (rpe x minutes) from which a session is demanding
  repeat_weekly: true            # Sunday's sessions also respect next Monday's
# weights: {{goal_order: 10, interference: 1, separation: 6, hard_easy: 8, key_freshness: 5, preferred_times: 2, consistency: 1}}
"""


def starter_text(goal: Goal, path: str, today: dt.date | None = None) -> str:
    monday = next_monday(today or dt.date.today())
    return TEMPLATE.format(path=path, monday=monday.isoformat(), goal=goal.value, sessions=_SESSIONS[goal])
