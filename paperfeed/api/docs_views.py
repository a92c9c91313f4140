"""/api/openapi.json, and /api/docs: the same description as a plain page (no script, no CDN)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .http import json_answer, read_endpoint
from .openapi import openapi_spec

METHODS = ("get", "post", "put", "patch", "delete")


@read_endpoint
def openapi_json(request: HttpRequest) -> HttpResponse:
    return json_answer(openapi_spec())


def _schema_text(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"array of {_schema_text(schema.get('items', {}))}"
    text = schema.get("type", "")
    if "enum" in schema:
        text += " (" + " | ".join(schema["enum"]) + ")"
    if "minimum" in schema or "maximum" in schema:
        text += f" {schema.get('minimum', '')}…{schema.get('maximum', '')}"
    return text


def _operations(spec: dict) -> list[dict]:
    out = []
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            out.append({
                "method": method.upper(),
                "path": path,
                "anchor": op["operationId"],
                "summary": op.get("summary", ""),
                "description": op.get("description", ""),
                "needs_token": bool(op.get("security")),
                "parameters": [
                    {"name": p["name"], "where": p["in"], "type": _schema_text(p["schema"]),
                     "required": p.get("required", False), "description": p.get("description", "")}
                    for p in op.get("parameters", [])
                ],
                "body": json.dumps(op["requestBody"]["content"]["application/json"]["schema"].get("properties", {}))
                if "requestBody" in op else "",
                "responses": [
                    {"status": status, "description": r["description"],
                     "schema": _schema_text(r["content"]["application/json"]["schema"]) if "content" in r else ""}
                    for status, r in op["responses"].items()
                ],
            })
    return out


@require_safe
def api_docs(request: HttpRequest) -> HttpResponse:
    spec = openapi_spec()
    schemas = [
        {"name": name, "required": schema.get("required", []), "fields": [
            {"name": field, "type": _schema_text(s), "description": s.get("description", "")}
            for field, s in schema.get("properties", {}).items()
        ]}
        for name, schema in spec["components"]["schemas"].items()
    ]
    context = {"spec": spec, "operations": _operations(spec), "schemas": schemas}
    return render(request, "api/docs.html", context)
