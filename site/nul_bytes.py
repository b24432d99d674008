"""NUL characters never reach a query.

PostgreSQL refuses NUL in text ("A string literal cannot contain NUL"), so a `%00`
in a search box or an admin filter would be a 500. Forms already refuse NUL in what
they clean; query strings are read raw by search boxes and the admin's filters, so
the middleware drops NUL from every parameter name and value before any view runs.
"""

from django.http import QueryDict


class StripNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "%00" in request.META.get("QUERY_STRING", ""):
            request.GET = without_nul(request.GET)
        return self.get_response(request)


def without_nul(query: QueryDict) -> QueryDict:
    cleaned = QueryDict(mutable=True)
    for key, values in query.lists():
        cleaned.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
    cleaned._mutable = False
    return cleaned
