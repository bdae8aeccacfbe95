"""Checking a Dash callback request's body before Dash reads it: a callback of this app, with the inputs, state
and outputs it declares, as id and property pairs, text where the property is text (routes.py answers 400 else)."""
from __future__ import annotations

# Properties that are always text: the address bar's parts (Dash's own page router reads them as strings) and
# the page-filters store's query string.
TEXT_PROPERTIES = {"pathname", "search", "href", "hash"}
TEXT_VALUES = {("page-filters", "data")}


def callback_problem(body, callbacks: dict) -> str | None:
    """What is wrong with a Dash callback request's body, or None: it names a callback of this app and gives the
    inputs and state that callback declares, each an {"id", "property"} object (a list of them for ALL)."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or "callback" not in callbacks.get(output, {}):
        return "no such callback"  # clientside callbacks are listed too, but run only in the browser
    declared = callbacks[output]
    outputs = body.get("outputs", [])
    expected = {"inputs": len(declared.get("inputs", [])), "state": len(declared.get("state", [])),
                "outputs": output.count("...") + 1 if output.startswith("..") else 1}
    for part, count in expected.items():
        given = body.get(part, [])
        if part == "outputs" and isinstance(given, dict):  # a single output is sent as one object
            given = [given]
        if not isinstance(given, list) or len(given) != count:
            return f"its {part} do not match the callback's"
        for item in given:
            for one in item if isinstance(item, list) else [item]:
                if not (isinstance(one, dict) and isinstance(one.get("id"), str | dict)
                        and isinstance(one.get("property"), str)):
                    return f"its {part} are not id and property pairs"
                text = one["property"] in TEXT_PROPERTIES or (str(one["id"]), one["property"]) in TEXT_VALUES
                if text and not isinstance(one.get("value"), str | None):
                    return f"its {one['property']} is not text"
    if not isinstance(outputs, list | dict) or not isinstance(body.get("changedPropIds", []), list):
        return "its outputs are not a list"
    return None
