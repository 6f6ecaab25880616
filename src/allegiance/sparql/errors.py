"""Why a query got no answer: typed failures, each with the HTTP status it deserves.

The executor raises these, never an HTTP response; the web layer turns them into one kind of error body
(:func:`allegiance.web.responses.error`). A worker reports a failure by its class name and message (JSON, never
pickle: the server does not unpickle what a sandboxed process sends), and :func:`from_wire` rebuilds it.
"""

from __future__ import annotations


class QueryFailure(Exception):
    """A query that got no answer. ``status`` is the HTTP status; ``parameter`` names a request parameter."""

    status = 500
    title = "Query failed"

    def __init__(self, message: str, parameter: str | None = None, report: str | None = None):
        super().__init__(message)
        self.message = message
        self.parameter = parameter
        self.report = report  # a SHACL validation report (Turtle), for a rejected change


class BadRequest(QueryFailure):
    status, title = 400, "Bad request"


class QuerySyntaxError(BadRequest):
    title = "SPARQL syntax error"


class QueryTooComplex(BadRequest):
    title = "Query too complex"


class Forbidden(QueryFailure):
    status, title = 403, "Forbidden"


class NotAcceptable(QueryFailure):
    status, title = 406, "Not acceptable"


class UnsupportedMediaType(QueryFailure):
    status, title = 415, "Unsupported media type"


class NotFound(QueryFailure):
    status, title = 404, "Not found"


class ChangeRejected(QueryFailure):
    status, title = 422, "Change rejected by the shapes"


class AnswerTooLarge(QueryFailure):
    status, title = 422, "Answer too large"


class ServiceRefused(Forbidden):
    title = "SERVICE endpoint not allowed"


class UpstreamFailed(QueryFailure):
    status, title = 502, "SERVICE endpoint failed"


class UpstreamTimeout(QueryFailure):
    status, title = 504, "SERVICE endpoint timed out"


class Unavailable(QueryFailure):
    status, title = 503, "Service unavailable"


class QueryTimeout(Unavailable):
    title = "Query time limit"


class MemoryLimit(Unavailable):
    title = "Query memory limit"


class Busy(Unavailable):
    title = "Server busy"


class WorkerFailed(QueryFailure):
    status, title = 500, "Query worker failed"


_KINDS: dict[str, type[QueryFailure]] = {
    cls.__name__: cls
    for cls in (QueryFailure, BadRequest, QuerySyntaxError, QueryTooComplex, Forbidden, NotAcceptable, NotFound,
                UnsupportedMediaType,
                ChangeRejected,
                AnswerTooLarge, ServiceRefused, UpstreamFailed, UpstreamTimeout, Unavailable, QueryTimeout,
                MemoryLimit, Busy, WorkerFailed)
}


def to_wire(failure: QueryFailure) -> dict[str, str | None]:
    return {"kind": type(failure).__name__, "message": failure.message, "parameter": failure.parameter,
            "report": failure.report}


def from_wire(data: dict[str, str | None]) -> QueryFailure:
    cls = _KINDS.get(str(data.get("kind")), WorkerFailed)
    return cls(str(data.get("message") or cls.title), data.get("parameter"), data.get("report"))
