"""Arithmetic for the model, safely: the expression is parsed, never run as Python.

Only numbers, the arithmetic operators and a few functions and constants of ``math``
are understood; anything else (names, attributes, strings, calls of other functions)
is refused. Sizes are bounded so that ``10**10**10`` is an error, not a frozen app.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable

Number = int | float

MAX_EXPRESSION_CHARS = 1_000
MAX_INTEGER_DIGITS = 1_000  # whole-number results beyond this are refused (too big)
_MAX_INTEGER_BITS = math.ceil(MAX_INTEGER_DIGITS * math.log2(10))

EXPRESSION_HELP = (
    "An arithmetic expression in Python syntax, e.g. '(3.5 + 2) * 4**2 / sqrt(2)'. "
    "Operators: + - * / // (whole division) % (remainder) ** (power; not ^), parentheses. "
    "Functions: sqrt, sin, cos, tan (radians), log (natural, or log(x, base)), log10, "
    "exp, abs, round (round(x) or round(x, digits)), floor, ceil. Constants: pi, e. "
    "Write numbers without thousands separators."
)

_BINARY: dict[type[ast.operator], Callable[[Number, Number], Number]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}

# name -> (function, fewest arguments, most arguments)
_FUNCTIONS: dict[str, tuple[Callable[..., Number], int, int]] = {
    "sqrt": (math.sqrt, 1, 1),
    "sin": (math.sin, 1, 1),
    "cos": (math.cos, 1, 1),
    "tan": (math.tan, 1, 1),
    "log": (math.log, 1, 2),
    "log10": (math.log10, 1, 1),
    "exp": (math.exp, 1, 1),
    "abs": (abs, 1, 1),
    "round": (round, 1, 2),
    "floor": (math.floor, 1, 1),
    "ceil": (math.ceil, 1, 1),
}

_CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}


class CalculationError(Exception):
    """Why an expression has no result, said for the model to correct it."""


def calculate(expression: str) -> str:
    """The value of ``expression`` as text, or raises ``CalculationError``."""
    if len(expression) > MAX_EXPRESSION_CHARS:
        raise CalculationError(f"the expression is longer than {MAX_EXPRESSION_CHARS} characters.")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
        value = _evaluate(tree.body)
    except SyntaxError as error:
        raise CalculationError(f"it is not a valid expression ({error.msg}).") from None
    except ZeroDivisionError:
        raise CalculationError("division by zero.") from None
    except OverflowError:
        raise CalculationError("the result is too large.") from None
    except RecursionError:
        raise CalculationError("the expression is nested too deeply.") from None
    except (ValueError, TypeError) as error:
        # math's own refusals, e.g. sqrt(-1) or log(0): "math domain error"
        raise CalculationError(f"a value is outside what a function accepts ({error}).") from None
    return _format(value)


def _evaluate(node: ast.expr) -> Number:
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise CalculationError(f"{value!r} is not a number; only numbers can be used.")
        return _checked(value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = _evaluate(node.operand)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        return _binary(node)
    if isinstance(node, ast.Name):
        if node.id in _CONSTANTS:
            return _CONSTANTS[node.id]
        raise CalculationError(f"unknown name {node.id!r}; the constants are pi and e.")
    if isinstance(node, ast.Call):
        return _call(node)
    raise CalculationError(f"{_describe(node)} is not allowed; use only arithmetic.")


def _binary(node: ast.BinOp) -> Number:
    if isinstance(node.op, ast.BitXor):
        raise CalculationError("^ is not a power here; write a**b for powers.")
    function = _BINARY.get(type(node.op))
    if function is None:
        raise CalculationError("only + - * / // % and ** are allowed as operators.")
    left, right = _evaluate(node.left), _evaluate(node.right)
    if isinstance(node.op, ast.Pow):
        _check_power(left, right)
    result = function(left, right)
    if isinstance(result, complex):
        raise CalculationError("the result is not a real number.")
    return _checked(result)


def _check_power(base: Number, exponent: Number) -> None:
    """Refuse whole-number powers too large to compute before computing them."""
    whole = isinstance(base, int) and isinstance(exponent, int)
    if (
        whole
        and exponent > 0
        and abs(base) > 1
        and exponent * math.log2(abs(base)) > _MAX_INTEGER_BITS
    ):
        raise CalculationError(
            f"the result would have more than {MAX_INTEGER_DIGITS} digits (too large)."
        )


def _call(node: ast.Call) -> Number:
    name = node.func.id if isinstance(node.func, ast.Name) else None
    if name is None or name not in _FUNCTIONS:
        known = ", ".join(_FUNCTIONS)
        shown = name or _describe(node.func)
        raise CalculationError(f"{shown!r} is not a known function; the functions are {known}.")
    if node.keywords:
        raise CalculationError(f"{name}() takes its arguments by position only.")
    function, fewest, most = _FUNCTIONS[name]
    if not fewest <= len(node.args) <= most:
        count = str(fewest) if fewest == most else f"{fewest} or {most}"
        raise CalculationError(f"{name}() takes {count} argument(s), not {len(node.args)}.")
    arguments = [_evaluate(argument) for argument in node.args]
    if name == "round" and len(arguments) == 2:
        digits = arguments[1]
        # round(5, -10**9) would compute 10**(10**9) first
        if not isinstance(digits, int) or abs(digits) > MAX_INTEGER_DIGITS:
            raise CalculationError(
                f"round(x, digits) needs a whole number of digits, at most {MAX_INTEGER_DIGITS}."
            )
    return _checked(function(*arguments))


def _checked(value: Number) -> Number:
    if isinstance(value, int) and value.bit_length() > _MAX_INTEGER_BITS:
        raise CalculationError(f"the result has more than {MAX_INTEGER_DIGITS} digits (too large).")
    if isinstance(value, float) and not math.isfinite(value):
        raise CalculationError("the result is not a finite number (too large, or undefined).")
    return value


def _format(value: Number) -> str:
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def _describe(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return f"attribute access ('.{node.attr}')"
    if isinstance(node, ast.Tuple):
        return "a comma (a list of values, or a thousands separator)"
    return f"'{type(node).__name__}'"
