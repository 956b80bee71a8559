"""The small irregularities real hand-ins have, drawn from a seeded RNG: all still loadable."""

from __future__ import annotations

import datetime as dt
import random

_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

DATE_START = dt.date(2018, 1, 1)
DATE_END = dt.date(2023, 12, 31)


def full_width(text: str) -> str:
    return text.translate(_FULL_WIDTH)


def maybe_full_width(text: str, rng: random.Random, p: float = 0.02) -> str:
    return full_width(text) if rng.random() < p else text


def random_date(rng: random.Random, start: dt.date = DATE_START, end: dt.date = DATE_END) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def date_text(day: dt.date, form: int) -> str:
    if form == 0:
        return day.isoformat()
    if form == 1:
        return f"{day.year}/{day.month}/{day.day}"
    return f"{day.year}年{day.month}月{day.day}日"


def messy_date(day: dt.date, rng: random.Random, cells: bool = False) -> str | dt.date:
    """One of 2021-03-01 / 2021/3/1 / 2021年3月1日, or (in XLSX) a real date cell."""
    roll = rng.random()
    if cells and roll < 0.4:
        return day
    if roll < 0.7:
        return date_text(day, 0)
    return date_text(day, 1 if roll < 0.85 else 2)


def yes_no(value: bool, rng: random.Random, p_letter: float = 0.02) -> str:
    if rng.random() < p_letter:
        return "Y" if value else "N"
    return "是" if value else "否"


def stray_spaces(text: str, rng: random.Random, p: float = 0.02) -> str:
    roll = rng.random()
    if roll < p / 2:
        return text + " "
    if roll < p:
        return " " + text
    return text


def weighted(rng: random.Random, options: tuple[tuple[str, float], ...]) -> str:
    roll = rng.random() * sum(w for _, w in options)
    for value, weight in options:
        roll -= weight
        if roll < 0:
            return value
    return options[-1][0]
