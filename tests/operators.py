"""The ops of the table that Python's operators spell, written once for the tests: the same
lambdas apply to `Value`s, to JAX's traced numbers and to sympy's symbols."""

OPERATORS = {
    "add": lambda x, y: x + y,
    "sub": lambda x, y: x - y,
    "mul": lambda x, y: x * y,
    "div": lambda x, y: x / y,
    "pow": lambda x, y: x**y,
    "add_number": lambda x, c: x + c,
    "sub_number": lambda x, c: x - c,
    "number_sub": lambda x, c: c - x,
    "mul_number": lambda x, c: x * c,
    "div_number": lambda x, c: x / c,
    "number_div": lambda x, c: c / x,
    "pow_number": lambda x, c: x**c,
    "number_pow": lambda x, c: c**x,
    "identity": lambda x: x,
    "neg": lambda x: -x,
}
