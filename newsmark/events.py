"""Event validation: flags, never blocks. An annotator may always save."""

from __future__ import annotations

from .model import Event, Schema, Span


def validate(event: Event, schema: Schema, spans: dict[int, Span], text: str = "") -> list[str]:
    """Warnings for ``event``: unknown type, missing required roles, too many fillers, fillers
    whose label the role does not accept, unknown roles or attribute values."""
    etype = schema.event_type(event.type)
    if etype is None:
        return [f"unknown event type {event.type!r}"]
    warnings: list[str] = []
    by_role: dict[str, list[Span]] = {}
    for arg in event.arguments:
        role = etype.role(arg.role)
        span = spans.get(arg.span_id)
        if role is None:
            warnings.append(f"{arg.role}: not a role of {etype.name}")
            continue
        if span is None:
            warnings.append(f"{arg.role}: points at a missing span")
            continue
        by_role.setdefault(role.name, []).append(span)
        if not role.accepts(span.label):
            surface = f" {text[span.start:span.end]!r}" if text else ""
            warnings.append(
                f"{role.name}: {span.label}{surface} is not {' or '.join(role.labels)}"
            )
    for role in etype.roles:
        n = len(by_role.get(role.name, []))
        if role.required and n == 0:
            need = "exactly one" if role.cardinality == "1" else "at least one"
            warnings.append(f"{role.name}: missing (needs {need})")
        if role.at_most_one and n > 1:
            warnings.append(f"{role.name}: {n} fillers, at most one allowed")
    for name, value in event.attributes.items():
        problem = attribute_problem(schema, name, value)
        if problem:
            warnings.append(problem)
    return warnings


def attribute_problem(schema: Schema, name: str, value: str) -> str | None:
    """Why ``name = value`` is not an attribute value of ``schema``, or None when it is."""
    attr = schema.attribute(name)
    if attr is None:
        return f"attribute {name!r} is not in the schema"
    if value not in attr.values:
        return f"{name}: {value!r} is not one of {', '.join(attr.values)}"
    return None


def attributes_with_defaults(event: Event, schema: Schema) -> dict[str, str]:
    out = {a.name: a.default for a in schema.attributes}
    out.update(event.attributes)
    return out
