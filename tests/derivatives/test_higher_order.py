"""Second and third derivatives of every op: analytic formulas, and finite differences of the
engine's own lower derivative."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_scalar import Value
from autograd_scalar.derivatives.functional import grad, hessian


def finite(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def sig(x: float) -> float:
    return 1 / (1 + math.exp(-x))


AWAY = finite(-3, 3).filter(lambda x: abs(x) > 1e-2)
POSITIVE = finite(0.1, 5)
# op on a Value, its second and third derivatives written by hand, and a domain
OPS = {
    "neg": (lambda v: -v, lambda x: 0.0, lambda x: 0.0, finite(-5, 5)),
    "add": (lambda v: v + 2.5, lambda x: 0.0, lambda x: 0.0, finite(-5, 5)),
    "sub": (lambda v: 1 - v, lambda x: 0.0, lambda x: 0.0, finite(-5, 5)),
    "mul": (lambda v: v * v, lambda x: 2.0, lambda x: 0.0, finite(-5, 5)),
    "div": (lambda v: 1 / v, lambda x: 2 / x**3, lambda x: -6 / x**4, AWAY),
    "div value": (
        lambda v: v / (v + 4),
        lambda x: -8 / (x + 4) ** 3,
        lambda x: 24 / (x + 4) ** 4,
        finite(-3, 3),
    ),
    "pow number": (lambda v: v**3.5, lambda x: 8.75 * x**1.5, lambda x: 13.125 * x**0.5, POSITIVE),
    "pow value": (
        lambda v: v**v,
        lambda x: x**x * ((math.log(x) + 1) ** 2 + 1 / x),
        lambda x: x**x * ((math.log(x) + 1) ** 3 + 3 * (math.log(x) + 1) / x - 1 / x**2),
        POSITIVE,
    ),
    "number pow": (
        lambda v: 3**v,
        lambda x: 3**x * math.log(3) ** 2,
        lambda x: 3**x * math.log(3) ** 3,
        finite(-3, 3),
    ),
    "exp": (Value.exp, math.exp, math.exp, finite(-5, 5)),
    "log": (Value.log, lambda x: -1 / x**2, lambda x: 2 / x**3, POSITIVE),
    "sqrt": (Value.sqrt, lambda x: -0.25 * x**-1.5, lambda x: 0.375 * x**-2.5, POSITIVE),
    "tanh": (
        Value.tanh,
        lambda x: -2 * math.tanh(x) * (1 - math.tanh(x) ** 2),
        lambda x: (1 - math.tanh(x) ** 2) * (6 * math.tanh(x) ** 2 - 2),
        finite(-3, 3),
    ),
    "sigmoid": (
        Value.sigmoid,
        lambda x: sig(x) * (1 - sig(x)) * (1 - 2 * sig(x)),
        lambda x: sig(x) * (1 - sig(x)) * (1 - 6 * sig(x) + 6 * sig(x) ** 2),
        finite(-5, 5),
    ),
    "relu": (Value.relu, lambda x: 0.0, lambda x: 0.0, AWAY),
    "sin": (Value.sin, lambda x: -math.sin(x), lambda x: -math.cos(x), finite(-5, 5)),
    "cos": (Value.cos, lambda x: -math.cos(x), lambda x: math.sin(x), finite(-5, 5)),
    "abs": (abs, lambda x: 0.0, lambda x: 0.0, AWAY),
}


def close(got: float, want: float, rel: float = 1e-9, abs_: float = 1e-9) -> bool:
    return math.isclose(got, want, rel_tol=rel, abs_tol=abs_)


def central(f, x: float, h: float = 1e-5) -> float:
    step = h * max(1.0, abs(x))
    return (f(x + step) - f(x - step)) / (2 * step)


@pytest.mark.parametrize("name", OPS)
def test_second_and_third_derivatives(name: str) -> None:
    op, second, third, domain = OPS[name]
    d1, d2, d3 = grad(op), grad(grad(op)), grad(grad(grad(op)))

    @settings(max_examples=40, deadline=None)
    @given(domain)
    def check(x: float) -> None:
        assert close(d2(x), second(x)), (x, d2(x), second(x))
        assert close(d3(x), third(x)), (x, d3(x), third(x))
        assert close(d2(x), central(d1, x), rel=1e-5, abs_=1e-5)
        assert close(d3(x), central(d2, x), rel=1e-5, abs_=1e-5)

    check()


def test_mixed_partials() -> None:
    def f(x, y):
        return x * y * x.sin()

    @settings(max_examples=50, deadline=None)
    @given(finite(-3, 3), finite(-3, 3))
    def check(x: float, y: float) -> None:
        dxdy = grad(grad(f, 0), 1)(x, y)
        dydx = grad(grad(f, 1), 0)(x, y)
        want = math.sin(x) + x * math.cos(x)
        assert close(dxdy, want) and close(dydx, want)

    check()


def test_hessian_is_symmetric_and_matches_second_partials() -> None:
    def f(x, y, z):
        return (x * y).tanh() + z.exp() * x + y * y * z

    h = hessian(f, (0, 1, 2))(0.3, -0.7, 0.2)
    assert all(close(h[i][j], h[j][i], rel=1e-12) for i in range(3) for j in range(3))
    t = math.tanh(0.3 * -0.7)
    assert close(h[0][0], -2 * t * (1 - t * t) * 0.7**2)
    assert close(h[1][2], 2 * -0.7)
    assert close(h[0][2], math.exp(0.2))
    assert close(h[2][2], 0.3 * math.exp(0.2))


def test_second_derivatives_through_the_fused_weighted_sum() -> None:
    from autograd_scalar.core.value import dot

    def f(w, x, b):
        return dot([w, w], [x, x * x], b).tanh()

    h = hessian(f, (0, 1, 2))(0.4, -0.8, 0.3)
    eps = 1e-5

    def first(i: int, point: list[float]) -> float:
        return grad(f, (0, 1, 2))(*point)[i]

    point = [0.4, -0.8, 0.3]
    for i in range(3):
        for j in range(3):
            up = point.copy()
            up[j] += eps
            down = point.copy()
            down[j] -= eps
            numeric = (first(i, up) - first(i, down)) / (2 * eps)
            assert close(h[i][j], numeric, rel=1e-6, abs_=1e-7)
