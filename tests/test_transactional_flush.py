"""The flush that ends every transactional test (browser journeys, races) leaves every table
empty, so that serialized rollback restores exactly the start state; on PostgreSQL it deletes
rather than truncates (tests/conftest.py, ``_flush_by_delete_on_postgresql``)."""

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from tests.factories import UserFactory
from tests.quiz.factories import quiz_with, single_choice


def _tables_with_rows() -> list[str]:
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    found = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
            if cursor.fetchone():
                found.append(table)
    return found


@pytest.mark.django_db(transaction=True)
def test_the_flush_after_a_transactional_test_empties_every_table():
    # Rows that refer to each other (answers -> questions -> categories, slots -> quizzes).
    UserFactory()
    quiz_with(single_choice(), single_choice())
    assert _tables_with_rows()

    # What Django's TransactionTestCase runs at the end of the test.
    call_command(
        "flush", interactive=False, reset_sequences=False, inhibit_post_migrate=True, verbosity=0
    )

    assert _tables_with_rows() == []


def test_on_postgresql_the_flush_deletes_and_a_sequence_reset_still_truncates():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's flush deletes anyway")
    plain = connection.ops.sql_flush(no_style(), ["quiz_quiz", "quiz_answer"])
    reset = connection.ops.sql_flush(no_style(), ["quiz_quiz"], reset_sequences=True)

    assert plain == ['DELETE FROM "quiz_quiz";', 'DELETE FROM "quiz_answer";']
    assert reset[0].startswith("TRUNCATE") and "RESTART IDENTITY" in reset[0]
