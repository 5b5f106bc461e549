"""Request validation for the Mistral dialect, and vLLM's continuation rules.

Owns the JSON Schema check of chat request bodies (against the trimmed copy of the
official spec in ``chat_request_schema.json``) and its translation into the
pydantic-style ``detail`` entries the real API returns with HTTP 422, plus the
tool-call-id rule that mistral-common enforces after schema validation. For the
openai dialect: how vLLM treats a request ending in a partial answer.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

SCHEMA_PATH = Path(__file__).with_name("chat_request_schema.json")
_TOOL_CALL_ID = re.compile(r"[a-zA-Z0-9]{9}")

# JSON Schema type name -> (pydantic error type, message).
_TYPE_ERRORS: dict[str, tuple[str, str]] = {
    "string": ("string_type", "Input should be a valid string"),
    "integer": ("int_type", "Input should be a valid integer"),
    "number": ("float_type", "Input should be a valid number"),
    "boolean": ("bool_type", "Input should be a valid boolean"),
    "array": ("list_type", "Input should be a valid list"),
    "object": ("dict_type", "Input should be a valid dictionary"),
    "null": ("none_required", "Input should be None"),
}

# Bound keyword -> (pydantic error type, message prefix, ctx key).
_BOUND_ERRORS: dict[str, tuple[str, str, str]] = {
    "maximum": ("less_than_equal", "Input should be less than or equal to", "le"),
    "minimum": ("greater_than_equal", "Input should be greater than or equal to", "ge"),
    "exclusiveMaximum": ("less_than", "Input should be less than", "lt"),
    "exclusiveMinimum": ("greater_than", "Input should be greater than", "gt"),
}


@functools.cache
def _validator() -> Draft202012Validator:
    # Loaded once per process: the schema is ~20 kB and compiling it is the slow part.
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def validate_chat_request(body: object) -> list[dict[str, Any]]:
    """The pydantic-style ``detail`` entries for ``body``; empty when it is valid."""
    detail: list[dict[str, Any]] = []
    for error in _validator().iter_errors(body):
        for leaf in _leaves(error):
            for entry in _to_detail(leaf):
                if entry not in detail:
                    detail.append(entry)
    return detail


def bad_tool_call_ids(body: dict[str, Any]) -> list[str]:
    """Tool call ids in ``messages`` that break the 9-character ``[a-zA-Z0-9]`` rule.

    Checks ids of assistant ``tool_calls`` (except the literal ``"null"``, which the
    spec uses as the default) and the ``tool_call_id`` of tool messages, like
    mistral-common does.
    """
    bad: list[str] = []
    for message in body.get("messages") or []:
        if not isinstance(message, dict):
            continue
        ids: list[object] = []
        if message.get("role") == "assistant":
            for call in message.get("tool_calls") or []:
                if isinstance(call, dict) and call.get("id", "null") != "null":
                    ids.append(call.get("id"))
        elif message.get("role") == "tool" and message.get("tool_call_id") is not None:
            ids.append(message["tool_call_id"])
        bad.extend(str(i) for i in ids if not (isinstance(i, str) and _TOOL_CALL_ID.fullmatch(i)))
    return bad


def continuation_problem(body: dict[str, Any]) -> tuple[str, bool] | None:
    """What is wrong with how an openai-dialect request asks to continue an answer.

    Returns the problem and whether vLLM refuses the request for it (HTTP 400), or
    None. vLLM continues the last assistant message only with its extra parameter
    ``continue_final_message: true`` (and refuses it beside an explicit
    ``add_generation_prompt: true``); without it the chat template ends that message
    and the model starts a new answer, which a client asking to continue would glue
    onto the cut text.
    """
    messages = [m for m in body.get("messages") or [] if isinstance(m, dict)]
    last_role = messages[-1].get("role") if messages else None
    if body.get("continue_final_message") is True:
        if body.get("add_generation_prompt") is True:
            return "Cannot set both `continue_final_message` and `add_generation_prompt`.", True
        if last_role != "assistant":
            return "`continue_final_message` without an assistant message last", False
        return None
    if last_role == "assistant":
        return "assistant message last without `continue_final_message`: a new turn", False
    return None


def describe(detail: Iterable[dict[str, Any]]) -> str:
    """One readable line for ``server.schema_violations``."""
    return "; ".join(
        f"{'.'.join(str(part) for part in entry['loc'])}: {entry['msg']} ({entry['type']})"
        for entry in detail
    )


def _leaves(error: ValidationError) -> list[ValidationError]:
    """The errors a person would point at, out of an ``anyOf``/``oneOf`` tree.

    A union reports every branch's failure. Branches that fail only because the
    value is of a different kind altogether (a ``type`` mismatch on the value itself,
    as in the ``null`` arm of an optional field) or because a discriminating
    ``const`` (like ``role``) differs are not what the client meant, so the
    remaining branch with the fewest errors explains the failure, as pydantic's
    tagged unions do.
    """
    if not error.context:
        return [error]
    branches: dict[object, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    own_path = list(error.absolute_path)

    def off_target(sub: ValidationError) -> bool:
        if sub.validator == "const" and len(sub.absolute_path) > len(own_path):
            return True
        return sub.validator == "type" and list(sub.absolute_path) == own_path

    relevant = [subs for subs in branches.values() if not any(off_target(s) for s in subs)]
    if relevant:
        best = min(relevant, key=len)
        return [leaf for sub in best for leaf in _leaves(sub)]
    type_misses = [subs[0] for subs in branches.values() if subs[0].validator == "type"]
    if len(type_misses) == len(branches):
        # A value of the wrong kind for every arm: name the first expected kind, as
        # pydantic's first union error does.
        return [type_misses[0]]
    # A discriminator (like `role`) that matches no arm: one union_tag_invalid error.
    return [error]


def _to_detail(error: ValidationError) -> list[dict[str, Any]]:
    loc: list[Any] = ["body", *error.absolute_path]
    keyword = str(error.validator)
    instance = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    if keyword == "additionalProperties" and isinstance(instance, dict):
        known = schema.get("properties", {})
        return [
            {
                "type": "extra_forbidden",
                "loc": [*loc, key],
                "msg": "Extra inputs are not permitted",
                "input": value,
            }
            for key, value in instance.items()
            if key not in known
        ]
    if keyword == "required" and isinstance(instance, dict):
        return [
            {"type": "missing", "loc": [*loc, key], "msg": "Field required", "input": instance}
            for key in error.validator_value
            if key not in instance
        ]
    entry: dict[str, Any] = {"type": "value_error", "loc": loc, "msg": error.message}
    if keyword in _BOUND_ERRORS:
        error_type, prefix, ctx_key = _BOUND_ERRORS[keyword]
        bound = error.validator_value
        entry.update(type=error_type, msg=f"{prefix} {bound}", ctx={ctx_key: bound})
    elif keyword == "type":
        expected = error.validator_value
        name = expected if isinstance(expected, str) else expected[0]
        error_type, msg = _TYPE_ERRORS.get(name, ("value_error", error.message))
        entry.update(type=error_type, msg=msg)
    elif keyword in ("enum", "const"):
        allowed = error.validator_value if keyword == "enum" else [error.validator_value]
        options = [repr(value) for value in allowed]
        expected = " or ".join(
            [", ".join(options[:-1]), options[-1]] if len(options) > 1 else options
        )
        entry.update(type="enum" if keyword == "enum" else "literal_error")
        entry.update(msg=f"Input should be {expected}", ctx={"expected": expected})
    elif keyword == "minItems":
        entry.update(
            type="too_short",
            msg=f"List should have at least {error.validator_value} items after validation, "
            f"not {len(instance) if isinstance(instance, list) else 0}",
        )
    elif keyword == "oneOf" and error.context:
        tags = [sub for sub in error.context if sub.validator == "const"]
        if tags:
            field, tag = tags[0].path[-1] if tags[0].path else "?", tags[0].instance
            expected = ", ".join(repr(sub.validator_value) for sub in tags)
            entry.update(
                type="union_tag_invalid",
                msg=f"Input tag {tag!r} found using {field!r} does not match any of the "
                f"expected tags: {expected}",
            )
    entry["input"] = instance
    return [entry]
