"""Raw SQL for the write paths' small statements.

An annotation's create, edit and delete are each a handful of one-row statements; for statements
this small, the ORM's building of the query costs five to ten times what the database does with
it (issue 14: a write at the cost of a minimal insert). The names are the models' own, quoted,
and every value is a parameter.
"""

from django.db import connection


def sql_name(model, field: str | None = None) -> str:
    """A model's table, or one of its fields' columns, quoted."""
    name = model._meta.db_table if field is None else model._meta.get_field(field).column
    return connection.ops.quote_name(name)


def sql_list(values, placeholder: str = "%s") -> str:
    """A placeholder for each of the values, comma-separated."""
    return ", ".join([placeholder] * len(values))


def fits_id(value: int) -> bool:
    """Whether a number can be an id: raw SQL given a larger one fails (the ORM finds nothing)."""
    return 0 < value < 2**63


def update_row(model, pk: int, *, version: int | None = None, **values) -> int:
    """UPDATE one row's fields (by name: a foreign key takes an object or None), as
    QuerySet.update() would; with `version`, only if the row is at that version, which goes up by
    one. The number of rows written (0 or 1)."""
    fields = [model._meta.get_field(name) for name in values]
    assignments = [f"{sql_name(model, field.name)} = %s" for field in fields]
    params = [field.get_db_prep_save(as_value(values[field.name]), connection) for field in fields]
    where, where_params = f"{sql_name(model, 'id')} = %s", [pk]
    if version is not None:
        column = sql_name(model, "version")
        assignments.append(f"{column} = {column} + 1")
        where, where_params = f"{where} AND {column} = %s", [pk, version]
    sql = f"UPDATE {sql_name(model)} SET {', '.join(assignments)} WHERE {where}"  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, params + where_params)
        return cursor.rowcount


def as_value(value):
    """A foreign key's object as its id (what its column holds)."""
    return value.pk if hasattr(value, "_meta") else value
