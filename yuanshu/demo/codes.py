"""Identifier helpers: 统一社会信用代码 with valid check characters, largest-remainder apportionment, and a
sampler that picks exactly k of n items while streaming."""

from __future__ import annotations

import random
from collections.abc import Sequence

# GB 32100-2015: 31 characters (no I, O, S, V, Z) and the weights of the 17 leading positions.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714-1997 organisation code: 8 characters + a check character.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_BODY_CHARS = "0123456789"


def _org_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def org_code(body: str) -> str:
    """A 9-character 组织机构代码 from its 8-character body."""
    total = sum(_org_value(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def uscc(prefix: str, region: str, org: str) -> str:
    """An 18-character 统一社会信用代码: 2-char prefix, 6-digit region, 9-char org code, check char."""
    body = prefix + region + org
    if len(body) != 17:
        raise ValueError(f"bad credit code body {body!r}")
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return body + _USCC_CHARS[(31 - total % 31) % 31]


def uscc_is_valid(code: str) -> bool:
    if len(code) != 18 or any(c not in _USCC_CHARS for c in code):
        return False
    return uscc(code[:2], code[2:8], code[8:17]) == code


def department_code(prefix: str, region: str, rng: random.Random) -> str:
    """A credit code for a government unit; government org codes traditionally start with 0."""
    body = "0" + "".join(rng.choice(_ORG_BODY_CHARS) for _ in range(7))
    return uscc(prefix, region, org_code(body))


def apportion(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Split ``total`` into integer shares proportional to ``weights`` (largest remainder, ties by index).

    Every share with a positive weight gets at least ``minimum`` when the total allows it.
    """
    n = len(weights)
    if total <= 0 or n == 0:
        return [0] * n
    eligible = [i for i, w in enumerate(weights) if w > 0]
    if not eligible:
        return [0] * n
    base = [0] * n
    if minimum and total >= minimum * len(eligible):
        for i in eligible:
            base[i] = minimum
        total -= minimum * len(eligible)
    weight_sum = sum(weights[i] for i in eligible)
    exact = [total * weights[i] / weight_sum if weights[i] > 0 else 0.0 for i in range(n)]
    shares = [int(x) for x in exact]
    left = total - sum(shares)
    order = sorted(eligible, key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[:left]:
        shares[i] += 1
    return [b + s for b, s in zip(base, shares, strict=True)]


class ExactSampler:
    """Selection sampling (Knuth's algorithm S): ``take`` answers True for exactly ``k`` of ``n`` calls."""

    def __init__(self, k: int, n: int) -> None:
        self.k = max(0, min(k, n))
        self.n = n
        self.seen = 0
        self.taken = 0

    def take(self, rng: random.Random) -> bool:
        remaining = self.n - self.seen
        self.seen += 1
        if remaining <= 0:
            return False
        chosen = rng.random() * remaining < self.k - self.taken
        if chosen:
            self.taken += 1
        return chosen
