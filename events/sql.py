"""Reads that run on every cached page, written in SQL: the ORM spends several times
longer building these queries than the database spends answering them. Each has a
test holding it to the QuerySet it stands for."""

from django.db import connection


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


def marks(values) -> str:
    """Placeholders for `values`: "%s, %s, %s"."""
    return ", ".join(["%s"] * len(values))


def fetch(sql: str, params=()) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def fetch_all(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
