"""Lists of item ids as one query parameter: an array on PostgreSQL, a JSON array on SQLite.

Thousands of ids as thousands of placeholders cost Django and the driver a pass each, for
every query that carries them; as one parameter they cost one. `IdIn` is the condition for
ORM filters, `ids_subquery()` the one-column subquery for raw SQL.
"""

import json

from django.db import connection
from django.db.models import BooleanField, Func


def _encoded(ids) -> str:
    ids = [int(pk) for pk in ids]
    if connection.vendor == "postgresql":
        return "{" + ",".join(map(str, ids)) + "}"
    return json.dumps(ids)


def ids_subquery(ids) -> tuple[str, tuple]:
    """(sql, params) of a one-column subquery of `ids`, however many."""
    if connection.vendor == "postgresql":
        return "SELECT unnest(%s::bigint[])", (_encoded(ids),)
    return "SELECT value FROM json_each(%s)", (_encoded(ids),)


class IdIn(Func):
    """`expression IN ids`, the ids as one parameter."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, expression, ids):
        super().__init__(expression)
        self.ids = [int(pk) for pk in ids]

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{sql} IN (SELECT value FROM json_each(%s))", (*params, _encoded(self.ids))

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{sql} = ANY(%s::bigint[])", (*params, _encoded(self.ids))
