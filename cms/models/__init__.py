"""Wagtail pages, snippets and learning progress of the content site."""

from cms.models.access import MembersOnlyMixin, MembersOnlyPageForm, Visibility
from cms.models.contact import ContactFormField, ContactPage
from cms.models.learning import (
    Audience,
    LearningModuleIndexPage,
    LearningModulePage,
    LearningModuleTag,
    ModuleProgress,
    Standard,
)
from cms.models.pages import AuditorPathwayPage, ContentPage, HomePage, HomePageFeaturedModule
from cms.models.people import Person
from cms.models.recordings import (
    RecordingChapter,
    RecordingIndexPage,
    RecordingPage,
    RecordingSpeaker,
    RecordingTag,
)

# Every page type with a visibility field; a page below any of them inherits members-only.
MEMBERS_ONLY_PAGE_MODELS = (
    ContentPage,
    LearningModuleIndexPage,
    LearningModulePage,
    RecordingIndexPage,
    RecordingPage,
)

__all__ = [
    "ContactFormField",
    "ContactPage",
    "MEMBERS_ONLY_PAGE_MODELS",
    "Audience",
    "AuditorPathwayPage",
    "ContentPage",
    "HomePage",
    "HomePageFeaturedModule",
    "LearningModuleIndexPage",
    "LearningModulePage",
    "LearningModuleTag",
    "MembersOnlyMixin",
    "MembersOnlyPageForm",
    "ModuleProgress",
    "Person",
    "RecordingChapter",
    "RecordingIndexPage",
    "RecordingPage",
    "RecordingSpeaker",
    "RecordingTag",
    "Standard",
    "Visibility",
]
