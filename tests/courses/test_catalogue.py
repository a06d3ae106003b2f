"""Courses with ordered modules and lessons, audiences, prices, prerequisites,
drafted, previewed and published by staff in the Wagtail admin."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from courses.models import Audience, Course, Lesson, LessonKind
from courses.selectors import course_lessons, course_outline, courses_visible_to
from tests.courses.factories import CourseFactory, LessonFactory, ModuleFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_lessons_come_in_module_then_lesson_order(course):
    titles = [lesson.title for lesson in course_lessons(course=course)]
    assert titles == [
        "Welcome",
        "The standard",
        "Check yourself",
        "Write a plan",
        "Further reading",
    ]


def test_outline_groups_lessons_by_module(course):
    outline = course_outline(course=course, enrollment=None)
    assert [m.module.title for m in outline.modules] == ["Basics", "Practice"]
    assert [m.total for m in outline.modules] == [2, 3]


def test_new_course_is_a_draft_and_not_listed_until_published(user):
    course = Course.objects.create(title="Draft", slug="draft")
    assert course.live is False
    assert not Course.objects.published().filter(pk=course.pk).exists()

    revision = course.save_revision()
    revision.publish()
    course.refresh_from_db()
    assert course.live is True
    assert Course.objects.published().filter(pk=course.pk).exists()


def test_unpublishing_takes_the_course_out_of_published():
    course = CourseFactory()
    assert course.live
    course.unpublish()
    course.refresh_from_db()
    assert course.live is False
    assert not Course.objects.published().filter(pk=course.pk).exists()


def test_published_courses_are_exactly_the_live_ones():
    live = CourseFactory(live=True)
    CourseFactory(live=False)
    assert list(Course.objects.published()) == [live]


def test_catalogue_lists_courses_by_audience(client, member):
    public = CourseFactory(title="Open to all", audience=Audience.PUBLIC)
    members = CourseFactory(title="Members only", audience=Audience.MEMBERS)
    auditors = CourseFactory(title="Auditors only", audience=Audience.AUDITORS)
    CourseFactory(title="Still a draft", live=False)

    anonymous = client.get(reverse("courses:catalogue"))
    assert anonymous.status_code == 200
    assert b"Open to all" in anonymous.content
    assert b"Members only" not in anonymous.content
    assert b"Still a draft" not in anonymous.content

    assert set(courses_visible_to(user=member)) == {public, members}
    auditor = UserFactory(role="Auditors")
    assert set(courses_visible_to(user=auditor)) == {public, auditors}


def test_draft_course_page_is_hidden_from_learners_but_shown_to_staff(client, staff_client):
    draft = CourseFactory(live=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert staff_client.get(draft.get_absolute_url()).status_code == 200


def test_course_page_shows_price_and_prerequisites(client):
    basics = CourseFactory(title="Basics course")
    course = CourseFactory(title="Advanced", price=(12000, None))
    course.prerequisites.add(basics)
    course.save()
    response = client.get(course.get_absolute_url())
    assert b"EUR 120.00" in response.content
    assert b"Basics course" in response.content


def test_secretariat_may_edit_courses_lessons_and_mark(staff_user):
    group = Group.objects.get(name="Secretariat")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {
        "add_course",
        "change_course",
        "publish_course",
        "add_lesson",
        "change_submission",
    } <= codenames


def test_staff_create_a_draft_course_with_modules_in_the_admin(staff_client):
    url = reverse("wagtailsnippets_courses_course:add")
    data = {
        "title": "Admin made",
        "slug": "admin-made",
        "summary": "",
        "audience": "public",
        "modules-TOTAL_FORMS": "1",
        "modules-INITIAL_FORMS": "0",
        "modules-MIN_NUM_FORMS": "0",
        "modules-MAX_NUM_FORMS": "1000",
        "modules-0-title": "First module",
        "modules-0-summary": "",
        "modules-0-ORDER": "1",
        "modules-0-id": "",
        "modules-0-DELETE": "",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    course = Course.objects.get(slug="admin-made")
    assert course.live is False
    assert [m.title for m in course.modules.all()] == ["First module"]

    edit_url = reverse("wagtailsnippets_courses_course:edit", args=[course.pk])
    data.update(
        {
            "modules-INITIAL_FORMS": "1",
            "modules-0-id": str(course.modules.get().pk),
            "action-publish": "publish",
        }
    )
    response = staff_client.post(edit_url, data)
    assert response.status_code == 302, response.content[:2000]
    course.refresh_from_db()
    assert course.live is True


def test_staff_preview_a_course_in_the_admin(staff_client, course):
    url = reverse("wagtailsnippets_courses_course:preview_on_edit", args=[course.pk])
    data = {
        "title": "Previewed title",
        "slug": course.slug,
        "summary": "",
        "audience": "public",
        "modules-TOTAL_FORMS": "0",
        "modules-INITIAL_FORMS": "0",
        "modules-MIN_NUM_FORMS": "0",
        "modules-MAX_NUM_FORMS": "1000",
    }
    assert staff_client.post(url, data).json()["is_valid"] is True
    response = staff_client.get(url)
    assert response.status_code == 200
    assert b"Previewed title" in response.content
    assert b"Preview" in response.content


def test_staff_add_a_lesson_in_the_admin(staff_client, course):
    module = course.modules.first()
    response = staff_client.post(
        reverse("wagtailsnippets_courses_lesson:add"),
        {
            "module": module.pk,
            "sort_order": "5",
            "title": "Admin lesson",
            "kind": "content",
            "required": "on",
            "body": (
                '{"blocks":[{"key":"a","text":"Hello","type":"unstyled","depth":0,'
                '"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}'
            ),
            "video_url": "",
            "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0",
            "documents-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content[:3000]
    assert Lesson.objects.filter(title="Admin lesson", module=module).exists()


def test_a_quiz_lesson_needs_a_quiz(course):
    from django.core.exceptions import ValidationError

    lesson = Lesson(module=course.modules.first(), title="No quiz", kind=LessonKind.QUIZ)
    with pytest.raises(ValidationError):
        lesson.full_clean()


def test_lesson_page_offers_video_link_and_documents(client, course, user):
    from courses.services import enrollment_self_enrol

    module = ModuleFactory(course=course, title="Media", sort_order=9)
    lesson = LessonFactory(module=module, video_url="https://video.example.org/watch/1")
    enrollment_self_enrol(user=user, course=course)
    client.force_login(user)
    response = client.get(lesson.get_absolute_url())
    assert b"https://video.example.org/watch/1" in response.content
    assert b"<iframe" not in response.content


@pytest.mark.parametrize(
    "url_name",
    [
        "wagtailsnippets_courses_course:list",
        "wagtailsnippets_courses_lesson:list",
        "wagtailsnippets_courses_assignment:list",
        "wagtailsnippets_courses_enrollment:list",
        "wagtailsnippets_courses_certificate:list",
        "courses_admin:marking_queue",
    ],
)
def test_secretariat_reaches_the_course_admin_pages(staff_client, course, url_name):
    assert staff_client.get(reverse(url_name)).status_code == 200


def test_course_edit_form_opens_in_the_admin(staff_client, course):
    url = reverse("wagtailsnippets_courses_course:edit", args=[course.pk])
    response = staff_client.get(url)
    assert response.status_code == 200
    assert b"Basics" in response.content  # the modules inline
