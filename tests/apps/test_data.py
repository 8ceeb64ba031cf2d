"""The data sets: seeded, the right shapes, and the seed-004 formulas."""

import math

import pytest

from autograd_scalar.apps import data


def test_two_moons_is_seeded_and_balanced() -> None:
    points, labels = data.two_moons(100, seed=3)
    assert (points, labels) == data.two_moons(100, seed=3)
    assert points != data.two_moons(100, seed=4)[0]
    assert len(points) == 100 and all(len(p) == 2 for p in points)
    assert labels.count(1) == labels.count(-1) == 50


def test_color_regression_follows_the_formulas() -> None:
    inputs, targets = data.color_regression(50, seed=1)
    for (r, g, b), (x, y, lv) in zip(inputs, targets):
        assert all(-1 < c < 1 for c in (r, g, b))
        assert x == pytest.approx(r + 2 * g + 3 * b)
        assert y == pytest.approx(r**2 + 2 * g**2 + 3 * b**2)
        assert lv == pytest.approx(-3 * r - 4 * g - 5 * b)


def test_spiral_has_every_class() -> None:
    points, labels = data.spiral(20, classes=4, seed=0)
    assert len(points) == 80 and sorted(set(labels)) == [0, 1, 2, 3]


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_bad_sizes(bad) -> None:
    with pytest.raises(ValueError, match="positive ints"):
        data.two_moons(bad)


@pytest.mark.parametrize("bad", [-0.1, "a", float("nan"), None])
def test_bad_noise(bad) -> None:
    with pytest.raises(ValueError, match="noise must be a number >= 0"):
        data.two_moons(10, noise=bad)


def test_two_moons_lie_on_their_half_circles_with_the_asked_noise() -> None:
    clean, labels = data.two_moons(2000, noise=0.0, seed=5)
    for (x, y), label in zip(clean, labels):
        if label == 1:  # upper moon: the unit circle, y ≥ 0
            assert x * x + y * y == pytest.approx(1.0) and y >= 0
        else:  # lower moon: centred at (1, 0.5), y ≤ 0.5
            assert (x - 1) ** 2 + (y - 0.5) ** 2 == pytest.approx(1.0) and y <= 0.5
    noisy, _ = data.two_moons(2000, noise=0.1, seed=5)  # same seed: same angles, plus noise
    for axis in (0, 1):
        residuals = [p[axis] - q[axis] for p, q in zip(noisy, clean)]
        mean = sum(residuals) / len(residuals)
        std = (sum((r - mean) ** 2 for r in residuals) / len(residuals)) ** 0.5
        assert abs(mean) < 0.01 and std == pytest.approx(0.1, rel=0.1)


def test_spiral_arms_follow_their_formula() -> None:
    """Point i of class k: radius i/n and angle 4k + 4·radius, plus noise of 0.2 on the angle."""
    n = 400
    points, labels = data.spiral(n, classes=3, seed=2)
    for k in range(3):
        arm = [p for p, label in zip(points, labels) if label == k]
        assert [math.hypot(*p) for p in arm] == pytest.approx([i / n for i in range(n)])
        offsets = [  # the angle's departure from the formula, wrapped into (−π, π]
            math.remainder(math.atan2(x, y) - 4 * k - 4 * math.hypot(x, y), 2 * math.pi)
            for x, y in arm[1:]  # point 0 sits at the centre: no angle
        ]
        mean = sum(offsets) / len(offsets)
        std = (sum((o - mean) ** 2 for o in offsets) / len(offsets)) ** 0.5
        assert abs(mean) < 0.05 and std == pytest.approx(0.2, rel=0.15)
