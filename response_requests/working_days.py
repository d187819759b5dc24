"""Deadlines in working days (Monday to Friday; public holidays are not known here)."""

import datetime as dt

SATURDAY = 5


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < SATURDAY


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The working day `days` working days after `start` (a Friday plus 1 is the Monday);
    a negative `days` counts back."""
    step = 1 if days >= 0 else -1
    day, left = start, abs(days)
    while left:
        day += dt.timedelta(days=step)
        if is_working_day(day):
            left -= 1
    return day


def week_start(day: dt.date) -> dt.date:
    """The Monday of `day`'s week."""
    return day - dt.timedelta(days=day.weekday())
