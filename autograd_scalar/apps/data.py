"""Small data sets made in code, seeded and reproducible: nothing is downloaded."""

from __future__ import annotations

import math
import random


def two_moons(
    n: int = 100, noise: float = 0.1, seed: int = 0
) -> tuple[list[list[float]], list[int]]:
    """Two interleaving half circles in the plane; labels +1 (upper) and −1 (lower).

    `noise` is the standard deviation of the Gaussian jitter added to each coordinate.
    """
    _check_count(n)
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not noise >= 0:
        raise ValueError(f"noise must be a number >= 0, got {noise!r}")
    rng = random.Random(seed)
    points, labels = [], []
    for i in range(n):
        upper = i % 2 == 0
        angle = math.pi * rng.random()
        x, y = (
            (math.cos(angle), math.sin(angle))
            if upper
            else (1 - math.cos(angle), 0.5 - math.sin(angle))
        )
        points.append([x + rng.gauss(0, noise), y + rng.gauss(0, noise)])
        labels.append(1 if upper else -1)
    return points, labels


def color_regression(n: int = 100, seed: int = 1) -> tuple[list[list[float]], list[list[float]]]:
    """r, g, b uniform in (−1, 1) → x = r + 2g + 3b, y = r² + 2g² + 3b², lv = −3r − 4g − 5b."""
    _check_count(n)
    rng = random.Random(seed)
    inputs, targets = [], []
    for _ in range(n):
        r, g, b = (rng.uniform(-1, 1) for _ in range(3))
        inputs.append([r, g, b])
        targets.append([r + 2 * g + 3 * b, r * r + 2 * g * g + 3 * b * b, -3 * r - 4 * g - 5 * b])
    return inputs, targets


def spiral(
    n_per_class: int = 30, classes: int = 3, seed: int = 0
) -> tuple[list[list[float]], list[int]]:
    """Points on interleaved spiral arms, labels 0 .. classes − 1: no line separates them."""
    _check_count(n_per_class)
    _check_count(classes)
    rng = random.Random(seed)
    points, labels = [], []
    for label in range(classes):
        for i in range(n_per_class):
            radius = i / n_per_class
            angle = label * 4.0 + 4.0 * radius + rng.gauss(0, 0.2)
            points.append([radius * math.sin(angle), radius * math.cos(angle)])
            labels.append(label)
    return points, labels


def _check_count(n: object) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"sizes must be positive ints, got {n!r}")
