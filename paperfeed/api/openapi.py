"""The API described in OpenAPI 3.1, served at /api/openapi.json and rendered at /api/docs."""

from __future__ import annotations

from django.conf import settings

from .queries import MAX_PAGE_NUMBER

_DATE_TIME = {"type": "string", "format": "date-time", "example": "2026-08-21T00:00:00.000Z"}
_ERROR = {"$ref": "#/components/schemas/Error"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str, headers: dict | None = None) -> dict:
    out = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        out["headers"] = headers
    return out


def _param(name: str, where: str, schema: dict, description: str, required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required, "schema": schema, "description": description}


_ID = _param("id", "path", {"type": "string", "example": "2307.08691"},
             "arXiv id, new style (2307.08691) or old style (hep-th/9901001); a version suffix is ignored", True)
_LIMIT = lambda default, high: _param("limit", "query", {"type": "integer", "minimum": 1, "maximum": high, "default": default},  # noqa: E731
                                      f"items per page (1 to {high})")
_NOT_MODIFIED = {"description": "Not modified (If-None-Match or If-Modified-Since matched)"}
_BAD = _json(_ERROR, "A query parameter is not valid")
_NOT_FOUND = _json(_ERROR, "No such paper")
_AUTH = {
    "401": _json(_ERROR, "No token, or an invalid or revoked one"),
    "429": _json(_ERROR, "Rate limit exceeded for this token",
                 {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds until the window ends"}}),
}

SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
    "User": {
        "type": "object", "required": ["_id", "fullname", "type"],
        "properties": {"_id": {"type": "string"}, "avatarUrl": {"type": "string"}, "fullname": {"type": "string"},
                       "user": {"type": "string"}, "name": {"type": "string"}, "type": {"type": "string"}},
    },
    "Organization": {
        "type": "object", "required": ["_id", "name", "fullname"],
        "properties": {"_id": {"type": "string"}, "name": {"type": "string"}, "fullname": {"type": "string"},
                       "avatar": {"type": "string"}},
    },
    "Author": {
        "type": "object", "required": ["_id", "name", "hidden"],
        "properties": {"_id": {"type": "string"}, "name": {"type": "string"}, "hidden": {"type": "boolean"},
                       "user": _ref("User")},
    },
    "Paper": {
        "type": "object", "required": ["id", "authors", "title", "summary", "upvotes"],
        "description": "A paper. Fields a source does not give are absent, as upstream.",
        "properties": {
            "id": {"type": "string", "description": "arXiv id"},
            "authors": {"type": "array", "items": _ref("Author")},
            "publishedAt": _DATE_TIME | {"description": "first publication on arXiv"},
            "submittedOnDailyAt": _DATE_TIME | {"description": "when it was (last) put on a daily list"},
            "submittedOnDailyBy": _ref("User"),
            "title": {"type": "string"},
            "summary": {"type": "string", "description": "the abstract"},
            "upvotes": {"type": "integer", "description": "upvotes here plus upvotes on Hugging Face"},
            "discussionId": {"type": "string"},
            "projectPage": {"type": "string"},
            "githubRepo": {"type": "string"},
            "githubStars": {"type": "integer"},
            "ai_summary": {"type": "string"},
            "ai_keywords": {"type": "array", "items": {"type": "string"}},
            "organization": _ref("Organization"),
            "mediaUrls": {"type": "array", "items": {"type": "string"}},
        },
    },
    "DailyItem": {
        "type": "object",
        "required": ["paper", "publishedAt", "title", "summary", "numComments", "isAuthorParticipating"],
        "properties": {
            "paper": _ref("Paper"),
            "publishedAt": _DATE_TIME | {"description": "when the paper was put on the daily list"},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "mediaUrls": {"type": "array", "items": {"type": "string"}},
            "thumbnail": {"type": "string"},
            "numComments": {"type": "integer"},
            "submittedBy": _ref("User"),
            "organization": _ref("Organization"),
            "isAuthorParticipating": {"type": "boolean"},
        },
    },
    "Vote": {
        "type": "object", "required": ["id", "voted", "upvotes", "upstream_upvotes", "total"],
        "properties": {"id": {"type": "string"}, "voted": {"type": "boolean"},
                       "upvotes": {"type": "integer", "description": "upvotes here"},
                       "upstream_upvotes": {"type": "integer", "description": "upvotes on Hugging Face"},
                       "total": {"type": "integer"}},
    },
}

_PERIOD = [
    _param("date", "query", {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "example": "2025-03-17"},
           "a day (YYYY-MM-DD)"),
    _param("week", "query", {"type": "string", "pattern": r"^\d{4}-W\d{2}$", "example": "2025-W12"},
           "an ISO week (YYYY-Www)"),
    _param("month", "query", {"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2025-03"},
           "a month (YYYY-MM)"),
]


def openapi_spec() -> dict:
    get_ok = {"304": _NOT_MODIFIED, "400": _BAD}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.PAPERFEED_SITE_NAME} API",
            "version": "1",
            "description": "Read papers with the paths and shapes of the Hugging Face Papers API "
            "(huggingface_hub's HfApi(endpoint=...) works unchanged); submit and upvote with a token. "
            "Read endpoints allow any origin (CORS) and answer conditional requests.",
        },
        "servers": [{"url": "/"}],
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer",
                                          "description": "an API token from your profile page"}},
        },
        "paths": {
            "/api/daily_papers": {"get": {
                "operationId": "listDailyPapers",
                "summary": "Papers on the daily lists",
                "description": "One item per paper and period (its latest appearance), newest first or by "
                "trending score. Without date, week or month: every day, newest first.",
                "parameters": [
                    *_PERIOD,
                    _param("submitter", "query", {"type": "string"}, "only papers this user put on the list"),
                    _param("sort", "query", {"type": "string", "enum": ["publishedAt", "trending"]}, "order"),
                    _param("p", "query", {"type": "integer", "minimum": 0, "maximum": MAX_PAGE_NUMBER, "default": 0},
                           "page number, from 0"),
                    _LIMIT(50, 100),
                ],
                "responses": {"200": _json({"type": "array", "items": _ref("DailyItem")}, "A page of items"), **get_ok},
            }},
            "/api/papers": {
                "get": {
                    "operationId": "listPapers",
                    "summary": "Every paper in the catalogue, oldest entry first",
                    "description": "Cursor paging: follow the Link header (rel=\"next\") until there is none.",
                    "parameters": [_param("cursor", "query", {"type": "string"}, "from a Link header"),
                                   _LIMIT(50, 100)],
                    "responses": {"200": _json({"type": "array", "items": _ref("Paper")}, "A page of papers", {
                        "Link": {"schema": {"type": "string"}, "description": "<url>; rel=\"next\" while more follow"}}),
                        **get_ok},
                },
                "post": {
                    "operationId": "submitPaper",
                    "summary": "Put a paper on today's list",
                    "description": "Fetched from arXiv first when it is not in the catalogue yet.",
                    "security": [{"token": []}],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": {
                        "type": "object", "required": ["id"],
                        "properties": {"id": {"type": "string", "example": "2307.08691",
                                              "description": "arXiv id or abs/pdf link"}}}}}},
                    "responses": {"201": _json(_ref("Paper"), "Put on today's list"),
                                  "200": _json(_ref("Paper"), "It was on today's list already"),
                                  "400": _json(_ERROR, "Not an arXiv id, unknown to arXiv, or the daily limit is reached"),
                                  **_AUTH},
                },
            },
            "/api/papers/search": {"get": {
                "operationId": "searchPapers",
                "summary": "Search papers (hybrid: keyword and meaning)",
                "parameters": [
                    _param("q", "query", {"type": "string"}, 'query: words, "phrases", author:Name, -exclusions'),
                    _LIMIT(20, 100),
                    _param("p", "query", {"type": "integer", "minimum": 0, "maximum": 50, "default": 0}, "page, from 0"),
                    _param("mode", "query", {"type": "string", "enum": ["hybrid", "keyword", "semantic"]}, "how to rank"),
                    _param("category", "query", {"type": "string", "example": "cs.CL"}, "arXiv category"),
                    _param("since", "query", {"type": "string", "format": "date"}, "published on or after"),
                    _param("until", "query", {"type": "string", "format": "date"}, "published on or before"),
                ],
                "responses": {"200": _json({"type": "array", "items": _ref("DailyItem")}, "Best first"), **get_ok},
            }},
            "/api/papers/{id}": {"get": {
                "operationId": "getPaper",
                "summary": "One paper",
                "parameters": [_ID],
                "responses": {"200": _json(_ref("Paper"), "The paper"), "304": _NOT_MODIFIED, "404": _NOT_FOUND},
            }},
            "/api/papers/{id}/related": {"get": {
                "operationId": "relatedPapers",
                "summary": "Papers like this one, best first",
                "parameters": [_ID, _LIMIT(5, 20)],
                "responses": {"200": _json({"type": "array", "items": _ref("Paper")}, "Related papers"),
                              **get_ok, "404": _NOT_FOUND},
            }},
            "/api/papers/{id}/upvote": {
                method: {
                    "operationId": name,
                    "summary": summary,
                    "security": [{"token": []}],
                    "parameters": [_ID],
                    "responses": {"200": _json(_ref("Vote"), "The upvote and the counts now"), **_AUTH,
                                  "404": _NOT_FOUND},
                }
                for method, name, summary in (("post", "upvotePaper", "Upvote (idempotent)"),
                                              ("delete", "unvotePaper", "Take the upvote back (idempotent)"))
            },
        },
    }
