"""The data sets: seeded, the right shapes, and the seed-004 formulas."""

import pytest

from autograd_scalar import data


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
