"""Reading JSON that is sent to us (an API body, an uploaded file): one place for what Python's
json module lets through but nothing here could store or answer."""

import json

# Far deeper than any annotation file (a collection's items' targets' selectors' refinements are
# a handful of levels), and shallow enough that no code reading what was parsed runs out of stack.
MAX_DEPTH = 64


class JsonError(ValueError):
    """Bytes that are not JSON we can use; the message says why, for the sender."""


def loads_strict(raw: bytes, what: str = "The body") -> object:
    """The JSON of UTF-8 bytes (a byte order mark allowed), or JsonError whose message starts with
    `what`: for bytes that are not UTF-8, not JSON, nested more than MAX_DEPTH deep, numbers too long
    to read (more than 4,300 digits) and strings holding a lone surrogate ("\\ud800" is valid JSON,
    but no character)."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise JsonError(f"{what} is not UTF-8 text (byte {error.start}).") from None
    except RecursionError:
        raise JsonError(f"{what} is not usable JSON: it is nested too deeply.") from None
    except ValueError as error:  # JSONDecodeError, and integers of more than 4,300 digits
        raise JsonError(f"{what} is not valid JSON: {error}.") from None
    try:
        json.dumps(data, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        raise JsonError(f"{what} contains a lone surrogate (\\ud800 to \\udfff).") from None
    except RecursionError:
        raise JsonError(f"{what} is not usable JSON: it is nested too deeply.") from None
    if nested_deeper(data, MAX_DEPTH):
        raise JsonError(f"{what} is not usable JSON: it is nested too deeply (more than {MAX_DEPTH} levels).")
    return data


def nested_deeper(data, limit: int) -> bool:
    """Whether arrays and objects nest more than `limit` levels: looked at without recursion, so that
    any depth Python's parser took is answered, whatever the stack."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > limit:
                return True
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
    return False
