"""Page-number pagination as DRF's `PageNumberPagination` does it, for every paginated list.

`page` defaults to 1 and `page_size` to 10; `page_size` above 100 is clamped and a non-positive one
falls back to the default; `page` 0 or below, or a page past the end, is DRF's 404 `{"detail": "Invalid page."}`.
`next`/`previous` are absolute URLs built from the URL the client used.
"""
from __future__ import annotations

import dataclasses
import functools

from google.protobuf import struct_pb2

from lms.platform.context import Call, replace_query_param
from lms.platform.errors import NotFound

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100


@dataclasses.dataclass(frozen=True)
class PageRequest:
    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @classmethod
    def from_request(cls, request) -> "PageRequest":
        """Reads the `optional int32 page` / `page_size` fields of a list request."""
        number = request.page if request.HasField("page") else 1
        size = request.page_size if request.HasField("page_size") else DEFAULT_PAGE_SIZE
        if number < 1:
            raise NotFound("Invalid page.")
        if size < 1:
            size = DEFAULT_PAGE_SIZE  # DRF's PageNumberPagination ignores a page size it cannot use
        return cls(number=number, size=min(size, MAX_PAGE_SIZE))


def _null() -> struct_pb2.Value:
    return struct_pb2.Value(null_value=struct_pb2.NULL_VALUE)


def page_envelope(call: Call, request, page: PageRequest, total: int) -> dict:
    """`count`, `next` and `previous` of the envelope; raises 404 for a page past the end."""
    if page.number > 1 and page.offset >= total:
        raise NotFound("Invalid page.")
    next_url, previous_url = _links(call.request_url(request), page.number, page.offset + page.size < total)
    return {"count": total,
            "next": struct_pb2.Value(string_value=next_url) if next_url is not None else _null(),
            "previous": struct_pb2.Value(string_value=previous_url) if previous_url is not None else _null()}


@functools.lru_cache(maxsize=4096)
def _links(url: str, number: int, has_next: bool) -> tuple[str | None, str | None]:
    """The next and previous page URLs of `url` (page `number`); remembered, since clients ask for the
    same pages again and again and rewriting a query string costs more than the rest of the envelope."""
    next_url = replace_query_param(url, "page", str(number + 1)) if has_next else None
    if number <= 1:
        previous_url = None
    elif number == 2:
        previous_url = replace_query_param(url, "page", None)
    else:
        previous_url = replace_query_param(url, "page", str(number - 1))
    return next_url, previous_url
