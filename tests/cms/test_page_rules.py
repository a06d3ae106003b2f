"""Which page may go where, and that an editor can create each type through the admin."""

import datetime

from allauth.mfa.totp.internal.auth import TOTP
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.models import (
    AuditorPathwayPage,
    ContactPage,
    ContentPage,
    HomePage,
    LearningModuleIndexPage,
    LearningModulePage,
    RecordingIndexPage,
    RecordingPage,
)
from tests.conftest import TEST_TOTP_SECRET, login_with_mfa
from tests.factories import SecretariatFactory


class PageRulesTests(WagtailPageTestCase):
    def setUp(self):
        self.home = HomePage.objects.get()
        self.learning = self.home.add_child(
            instance=LearningModuleIndexPage(title="Learning modules", slug="learning")
        )
        self.recordings = self.home.add_child(
            instance=RecordingIndexPage(title="45 minutes on …", slug="recordings")
        )
        staff = SecretariatFactory()
        TOTP.activate(staff, TEST_TOTP_SECRET)
        login_with_mfa(self.client, staff)

    def test_home_page_takes_content_the_index_pages_the_pathway_and_the_contact_page(self):
        self.assertAllowedSubpageTypes(
            HomePage,
            {
                ContentPage,
                LearningModuleIndexPage,
                RecordingIndexPage,
                AuditorPathwayPage,
                ContactPage,
            },
        )
        self.assertAllowedParentPageTypes(AuditorPathwayPage, {HomePage})
        self.assertAllowedParentPageTypes(ContactPage, {HomePage})
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_modules_and_recordings_live_only_under_their_index(self):
        self.assertAllowedParentPageTypes(LearningModulePage, {LearningModuleIndexPage})
        self.assertAllowedParentPageTypes(RecordingPage, {RecordingIndexPage})
        self.assertCanNotCreateAt(HomePage, LearningModulePage)
        self.assertCanNotCreateAt(LearningModuleIndexPage, RecordingPage)
        self.assertAllowedSubpageTypes(LearningModulePage, set())
        self.assertAllowedSubpageTypes(RecordingPage, set())

    def test_there_is_only_one_home_page(self):
        root = Page.objects.get(depth=1)

        self.assertFalse(HomePage.can_create_at(root))

    def test_the_admin_add_forms_render_for_every_page_type(self):
        for parent, model in [
            (self.home, ContentPage),
            (self.home, AuditorPathwayPage),
            (self.learning, LearningModulePage),
            (self.recordings, RecordingPage),
        ]:
            url = f"/admin/pages/add/cms/{model._meta.model_name}/{parent.pk}/"
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertContains(response, "Knowledge check")
        contact = self.client.get(f"/admin/pages/add/cms/contactpage/{self.home.pk}/")
        self.assertContains(contact, "Form fields")

    def test_secretariat_creates_a_content_page_with_body_blocks(self):
        data = nested_form_data(
            {
                "title": "About us",
                "slug": "about",
                "intro": "Who we are",
                "visibility": "public",
                "body": streamfield(
                    [
                        ("heading", {"text": "Our mission", "level": "h2"}),
                        ("paragraph", rich_text("<p>Responsible aluminium.</p>")),
                        ("quote", {"quote": "Stewardship matters.", "attribution": "ASI"}),
                    ]
                ),
            }
        )
        self.assertCanCreate(self.home, ContentPage, data)

        page = ContentPage.objects.get(slug="about")
        self.assertPageIsRenderable(page)
        self.assertEqual(
            [block.block_type for block in page.body], ["heading", "paragraph", "quote"]
        )

    def test_secretariat_creates_a_learning_module(self):
        data = nested_form_data(
            {
                "title": "Due diligence basics",
                "slug": "due-diligence-basics",
                "summary": "The five steps.",
                "audience": "members",
                "estimated_minutes": "25",
                "standard": "PS",
                "sectors": "casthouse",
                "topics": '"Due diligence"',
                "visibility": "members",
                "body": streamfield([]),
            }
        )
        self.assertCanCreate(self.learning, LearningModulePage, data)

        module = LearningModulePage.objects.get(slug="due-diligence-basics")
        self.assertEqual(module.sectors, ["casthouse"])
        self.assertEqual([t.name for t in module.topics.all()], ["Due diligence"])

    def test_secretariat_creates_a_recording_with_chapters(self):
        data = nested_form_data(
            {
                "title": "45 minutes on water stewardship",
                "slug": "water",
                "summary": "Water at refineries.",
                "session_date": "2026-03-10",
                "session_time": "15:30",
                "time_zone": "America/New_York",
                "duration_minutes": "45",
                "visibility": "public",
                "speakers": inline_formset([]),
                "chapters": inline_formset(
                    [
                        {"timestamp": "0:00", "title": "Welcome"},
                        {"timestamp": "12:30", "title": "Q&A"},
                    ]
                ),
                "topics": "Water",
                "body": streamfield([]),
            }
        )
        self.assertCanCreate(self.recordings, RecordingPage, data)

        recording = RecordingPage.objects.get(slug="water")
        self.assertEqual(
            recording.starts_at, datetime.datetime(2026, 3, 10, 19, 30, tzinfo=datetime.UTC)
        )
        self.assertEqual([c.seconds for c in recording.chapters.all()], [0, 750])

    def test_a_chapter_time_must_be_a_timestamp(self):
        data = nested_form_data(
            {
                "title": "45 minutes on tailings",
                "slug": "tailings",
                "summary": "Tailings.",
                "session_date": "2026-03-10",
                "session_time": "15:30",
                "time_zone": "Mars/Olympus",
                "duration_minutes": "45",
                "visibility": "public",
                "speakers": inline_formset([]),
                "chapters": inline_formset([{"timestamp": "soon", "title": "Welcome"}]),
                "body": streamfield([]),
            }
        )
        response = self.client.post(
            f"/admin/pages/add/cms/recordingpage/{self.recordings.pk}/", data
        )

        self.assertEqual(response.status_code, 200)  # the form again, with errors
        self.assertFalse(RecordingPage.objects.filter(slug="tailings").exists())
        self.assertContains(response, "m:ss or h:mm:ss")
        self.assertContains(response, "is not a time zone name")
