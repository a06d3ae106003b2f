import pytest
from django.test import Client
from django.urls import reverse

from cms.dashboard import render_progress_panel
from cms.models import ModuleProgress, Visibility
from tests.cms.factories import make_module

pytestmark = pytest.mark.django_db


@pytest.fixture
def modules(learning_index):
    return [
        make_module(learning_index, title="Performance Standard essentials"),
        make_module(learning_index, title="Due diligence steps", visibility=Visibility.MEMBERS),
        make_module(learning_index, title="Chain of Custody in practice"),
    ]


def test_opening_a_module_records_nothing_until_its_start_post(modules, member, member_client):
    page = member_client.get(modules[0].url)
    assert page.status_code == 200
    assert not ModuleProgress.objects.exists()
    start_url = reverse("cms:module_start", args=[modules[0].pk])
    assert f'action="{start_url}" data-record-visit' in page.content.decode()

    assert member_client.post(start_url).status_code == 204

    progress = ModuleProgress.objects.get(user=member, module=modules[0])
    assert progress.status == ModuleProgress.Status.STARTED
    assert progress.completed_at is None


def test_mark_as_complete_records_completion(modules, member, member_client):
    url = reverse("cms:module_complete", args=[modules[1].pk])

    response = member_client.post(url)

    assert response.status_code == 302
    progress = ModuleProgress.objects.get(user=member, module=modules[1])
    assert progress.status == ModuleProgress.Status.COMPLETED
    assert progress.completed_at is not None
    assert "You have completed this module" in member_client.get(modules[1].url).content.decode()


def test_completing_twice_keeps_the_first_completion_time(modules, member, member_client):
    url = reverse("cms:module_complete", args=[modules[0].pk])
    member_client.post(url)
    first = ModuleProgress.objects.get(user=member).completed_at

    member_client.post(url)

    assert ModuleProgress.objects.get(user=member).completed_at == first


def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_is_recorded(modules):
    response = Client().post(reverse("cms:module_complete", args=[modules[0].pk]))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not ModuleProgress.objects.exists()


def test_non_member_cannot_complete_a_members_only_module(modules, non_member):
    client = Client()
    client.force_login(non_member)

    response = client.post(reverse("cms:module_complete", args=[modules[1].pk]))

    assert response.status_code == 403
    assert not ModuleProgress.objects.exists()


def test_completing_needs_post(modules, member_client):
    response = member_client.get(reverse("cms:module_complete", args=[modules[0].pk]))

    assert response.status_code == 405


def test_index_shows_done_started_and_not_begun(modules, member_client):
    member_client.post(reverse("cms:module_complete", args=[modules[0].pk]))
    member_client.post(reverse("cms:module_start", args=[modules[1].pk]))

    body = member_client.get(modules[0].get_parent().url).content.decode()

    assert body.count('badge badge-ok">Completed') == 1
    assert body.count('badge badge-pending">Started') == 1
    assert body.count('class="badge">Not begun') == 1


def test_dashboard_panel_groups_modules_by_progress(modules, member, rf):
    Client().force_login(member)
    client = Client()
    client.force_login(member)
    client.post(reverse("cms:module_complete", args=[modules[2].pk]))
    request = rf.get("/dashboard/")
    request.user = member

    html = render_progress_panel(request)

    assert "1 of 3 completed" in html
    completed = html.split(">Completed</h3>")[1].split("</ul>")[0]
    assert "Chain of Custody in practice" in completed
    assert "Due diligence steps" in html.split(">Not begun</h3>")[1]


def test_dashboard_panel_leaves_out_members_only_modules_for_non_members(modules, non_member, rf):
    request = rf.get("/dashboard/")
    request.user = non_member

    html = render_progress_panel(request)

    assert "0 of 2 completed" in html
    assert "Due diligence steps" not in html


def test_learning_modules_panel_is_hooked_into_the_learner_dashboard():
    from wagtail import hooks

    from cms.dashboard import render_progress_panel

    assert render_progress_panel in hooks.get_hooks("dashboard_panel")


def test_starting_a_module_needs_a_reader_who_may_see_it(modules, non_member):
    url = reverse("cms:module_start", args=[modules[1].pk])  # members-only
    client = Client()
    assert client.post(url).status_code == 302  # anonymous: sign in first
    client.force_login(non_member)

    assert client.post(url).status_code == 403
    assert client.get(url).status_code == 405
    assert not ModuleProgress.objects.exists()
