"""A learning module's knowledge check: "Mark as complete" after a failed check follows the
module's setting (a pass required or not)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from cms.models import ModuleProgress
from courses.quiz import services as quiz_services
from tests.cms.factories import make_module
from tests.quiz.factories import quiz_with, single_choice

pytestmark = pytest.mark.django_db


@pytest.fixture
def check():
    return quiz_with(single_choice(), title="Casthouse check", pass_mark=Decimal("100"))


def _module(learning_index, quiz, required: bool):
    return make_module(
        learning_index,
        title="Casthouse basics",
        body=[("knowledge_check", {"quiz": quiz, "intro": ""})],
        knowledge_check_pass_required=required,
    )


def _take(user, quiz, right: bool):
    attempt = quiz_services.attempt_start(user=user, quiz=quiz)
    quiz_services.attempt_save_answer(
        attempt=attempt, position=0, answer={"choice": 0 if right else 1}, version=0
    )
    return quiz_services.attempt_submit(attempt=attempt)


def test_a_module_that_asks_for_a_pass_waits_for_it(learning_index, check, member, member_client):
    module = _module(learning_index, check, required=True)
    _take(member, check, right=False)

    page = member_client.get(module.url).content.decode()
    assert "asks you to pass its knowledge check" in page
    assert 'disabled aria-describedby="complete-blocked"' in page
    assert reverse("cms:module_complete", args=[module.pk]) not in page

    response = member_client.post(reverse("cms:module_complete", args=[module.pk]), follow=True)
    assert "Pass the knowledge check first: “Casthouse check”." in response.content.decode()
    assert not ModuleProgress.objects.filter(status=ModuleProgress.Status.COMPLETED).exists()

    _take(member, check, right=True)
    page = member_client.get(module.url).content.decode()
    assert reverse("cms:module_complete", args=[module.pk]) in page
    member_client.post(reverse("cms:module_complete", args=[module.pk]))
    assert ModuleProgress.objects.get(user=member, module=module).status == "completed"


def test_a_module_that_does_not_ask_lets_a_failed_check_complete(
    learning_index, check, member, member_client
):
    module = _module(learning_index, check, required=False)
    _take(member, check, right=False)
    assert (
        reverse("cms:module_complete", args=[module.pk])
        in member_client.get(module.url).content.decode()
    )
    member_client.post(reverse("cms:module_complete", args=[module.pk]))
    assert ModuleProgress.objects.get(user=member, module=module).status == "completed"
