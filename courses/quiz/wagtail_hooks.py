"""The quiz engine's back office in the Wagtail admin: banks, categories, questions (with
answers inline), quizzes (with slots and draws inline), overrides, sittings, attempts (read
only), and custom views for import with preview, essay marking and item statistics."""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import InspectView, SnippetViewSet, SnippetViewSetGroup

import courses.quiz.privacy_rights  # noqa: F401  (its retention rule and log action)
from courses.quiz import admin_translation_views, admin_views, permissions
from courses.quiz.admin_forms import QuestionForm, QuizForm
from courses.quiz.admin_panels import QuestionTranslationsPanel, QuizLanguagesPanel
from courses.quiz.models import (
    Attempt,
    ExamSitting,
    Question,
    QuestionBank,
    QuestionCategory,
    Quiz,
    QuizOverride,
)
from courses.quiz.work_queues import staff_work_queues
from lms.privacy.access_log import AccessKind, record_access

MENU_HOOK = "register_quiz_menu_item"


class QuestionBankViewSet(SnippetViewSet):
    model = QuestionBank
    icon = "folder-inverse"
    menu_label = _("Question banks")
    list_display = ["name", "is_exam_pool", "created_at"]
    panels = [FieldPanel("name"), FieldPanel("description"), FieldPanel("is_exam_pool")]


class QuestionCategoryViewSet(SnippetViewSet):
    model = QuestionCategory
    icon = "folder-open-1"
    menu_label = _("Question categories")
    list_display = ["name", "bank", "is_exam_pool"]
    list_filter = ["bank", "is_exam_pool"]
    panels = [
        FieldPanel("bank"),
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("is_exam_pool"),
    ]

    def get_queryset(self, request):
        return QuestionCategory.objects.select_related("bank")  # each row names its bank


class QuestionFilterSet(WagtailFilterSet):
    """The category filter names each category with its bank: read with the categories."""

    class Meta:
        model = Question
        fields = ["qtype", "category__bank", "category"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["category"].queryset = QuestionCategory.objects.select_related("bank")


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Questions")
    list_display = ["name", "qtype", "category", "updated_at"]
    filterset_class = QuestionFilterSet

    def get_queryset(self, request):
        return Question.objects.select_related("category__bank")  # "bank: category" a row

    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("category"), FieldPanel("qtype")]),
            FieldPanel("name"),
            FieldPanel("text"),
            FieldRowPanel(
                [
                    FieldPanel("text_format"),
                    FieldPanel("default_mark"),
                    FieldPanel("case_sensitive"),
                ]
            ),
            FieldPanel("general_feedback"),
            HelpPanel(
                content=_(
                    "Answers: a fraction of 1 is full marks, 0.5 half, negative values subtract "
                    "(multiple choice). Short answer: * is a wildcard. Numerical: the text is "
                    "the value, with a tolerance. Matching: the answer text is the prompt and "
                    "the matching answer its pair. Essays have no answers. True/false: two "
                    "answers, True and False."
                )
            ),
            InlinePanel(
                "answers",
                heading=_("Answers"),
                label=_("Answer"),
                panels=[
                    FieldPanel("text"),
                    FieldRowPanel(
                        [FieldPanel("fraction"), FieldPanel("tolerance"), FieldPanel("match_text")]
                    ),
                    FieldPanel("feedback"),
                ],
            ),
            QuestionTranslationsPanel(heading=_("Translations")),
        ],
        base_form_class=QuestionForm,
    )


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "form"
    menu_label = _("Quizzes and exams")
    list_display = ["title", "slug", "is_exam", "pass_mark", "time_limit_minutes", "max_attempts"]
    list_filter = ["is_exam"]
    edit_handler_panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("is_exam"), FieldPanel("sitting_fee_required")]),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("pass_mark"),
                        FieldPanel("time_limit_minutes"),
                        FieldPanel("max_attempts"),
                        FieldPanel("attempt_delay_minutes"),
                    ]
                ),
                FieldRowPanel([FieldPanel("open_at"), FieldPanel("close_at")]),
                FieldRowPanel(
                    [
                        FieldPanel("shuffle_questions"),
                        FieldPanel("shuffle_answers"),
                        FieldPanel("questions_per_page"),
                    ]
                ),
                FieldRowPanel([FieldPanel("review_level"), FieldPanel("review_when")]),
            ],
            heading=_("Settings"),
        ),
        InlinePanel(
            "slots",
            heading=_("Questions"),
            label=_("Slot"),
            help_text=_(
                "Each slot is a fixed question, or N questions drawn at random from a category. "
                "Exams draw only from exam pools; practice quizzes never do."
            ),
            panels=[
                FieldPanel("question"),
                FieldRowPanel(
                    [
                        FieldPanel("category"),
                        FieldPanel("draw_count"),
                        FieldPanel("include_subcategories"),
                    ]
                ),
                FieldPanel("mark"),
            ],
        ),
        MultiFieldPanel(
            [FieldPanel("languages"), QuizLanguagesPanel(heading=_("Translation status"))],
            heading=_("Languages"),
        ),
    ]
    edit_handler = ObjectList(edit_handler_panels, base_form_class=QuizForm)


class QuizOverrideViewSet(SnippetViewSet):
    model = QuizOverride
    icon = "user"
    menu_label = _("Per-user overrides")
    list_display = ["quiz", "user", "extra_attempts", "time_factor", "reason"]
    list_filter = ["quiz"]
    panels = [
        FieldPanel("quiz"),
        FieldPanel("user"),
        FieldRowPanel([FieldPanel("extra_attempts"), FieldPanel("time_factor")]),
        FieldPanel("reason"),
    ]

    def get_queryset(self, request):
        return QuizOverride.objects.select_related("quiz", "user")  # named on each row


class ExamSittingViewSet(SnippetViewSet):
    model = ExamSitting
    icon = "tag"
    menu_label = _("Exam sittings")
    list_display = ["quiz", "user", "status", "source", "created_at", "used_at"]
    list_filter = ["status", "quiz"]
    panels = [FieldPanel("quiz"), FieldPanel("user"), FieldPanel("source")]

    def get_queryset(self, request):
        return ExamSitting.objects.select_related("quiz", "user")  # named on each row


class AttemptInspectView(InspectView):
    """An attempt's page in the admin: looking at someone's attempt is logged (who saw what,
    ``lms.privacy.access_log``)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record_access(self.request, self.object, self.object.user_id, AccessKind.ATTEMPT)
        return context


class AttemptViewSet(SnippetViewSet):
    model = Attempt
    inspect_view_class = AttemptInspectView
    icon = "list-ul"
    menu_label = _("Attempts")
    list_display = ["quiz", "user", "number", "status", "percent", "passed", "started_at"]
    list_filter = ["status", "quiz", "passed"]
    inspect_view_enabled = True
    panels = [HelpPanel(content=_("Attempts are changed only by the learner and by marking."))]

    def get_queryset(self, request):
        return Attempt.objects.select_related("quiz", "user")  # named on each row


class QuizGroup(SnippetViewSetGroup):
    menu_label = _("Quiz engine")
    menu_icon = "help"
    menu_order = 310
    submenu_hook = MENU_HOOK
    items = (
        QuestionBankViewSet,
        QuestionCategoryViewSet,
        QuestionViewSet,
        QuizViewSet,
        QuizOverrideViewSet,
        ExamSittingViewSet,
        AttemptViewSet,
    )


register_snippet(QuizGroup)


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, check, **kwargs):
        self.check = check
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return self.check(request.user)


#: The custom views in the "Quiz engine" menu: label, URL name, icon, order, and the
#: permission that shows the item.
CUSTOM_MENU_ITEMS = (
    (_("Import questions"), "quiz_admin:import", "upload", 900, permissions.can_import_questions),
    (_("Essay marking"), "quiz_admin:marking", "edit", 910, permissions.can_mark_essays),
    (_("Item statistics"), "quiz_admin:statistics", "table", 920, permissions.can_see_statistics),
)


def menu_item_hook(label, url_name: str, icon: str, order: int, check):
    """A ``register_quiz_menu_item`` hook that adds one custom view to the menu."""

    def menu_item():
        return PermissionMenuItem(
            label, reverse(url_name), icon_name=icon, order=order, check=check
        )

    return menu_item


for item in CUSTOM_MENU_ITEMS:
    hooks.register(MENU_HOOK, menu_item_hook(*item))

# What waits for staff, on the admin dashboard and in the daily digest (lms.work_queues).
hooks.register("staff_work_queues", staff_work_queues, order=30)


admin_urls = (
    [
        path("import/", admin_views.import_questions, name="import"),
        path("marking/", admin_views.marking_queue, name="marking"),
        path("marking/<int:pk>/", admin_views.mark_essay, name="mark"),
        path("statistics/", admin_views.statistics_index, name="statistics"),
        path("statistics/<int:pk>/", admin_views.statistics_detail, name="statistics_detail"),
        path(
            "questions/<int:pk>/translations/<str:language>/",
            admin_translation_views.translation_edit,
            name="translation_edit",
        ),
        path(
            "questions/<int:pk>/translations/<str:language>/delete/",
            admin_translation_views.translation_delete,
            name="translation_delete",
        ),
    ],
    "quiz_admin",
)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("quiz-engine/", include(admin_urls))]


@hooks.register("register_log_actions")
def register_quiz_log_actions(actions):
    """The quiz engine's entries in the audit log (written by ``services.audit.log_event``)."""
    for code, label, message in (
        ("quiz.attempt.started", _("Start attempt"), _("Attempt started")),
        ("quiz.attempt.submitted", _("Submit attempt"), _("Attempt submitted")),
        (
            "quiz.attempt.auto_submitted",
            _("Submit attempt when time runs out"),
            _("Attempt submitted when time ran out"),
        ),
        ("quiz.attempt.needs_marking", _("Send to marking"), _("Attempt waiting for marking")),
        ("quiz.attempt.finished", _("Finalise result"), _("Attempt result final")),
        ("quiz.essay.marked", _("Mark essay"), _("Essay marked")),
        ("quiz.sitting.granted", _("Grant exam sitting"), _("Exam sitting granted")),
        ("quiz.sitting.revoked", _("Revoke exam sitting"), _("Exam sitting revoked")),
        ("quiz.bank.imported", _("Import questions"), _("Questions imported")),
        (
            "quiz.bank.translation_imported",
            _("Import a translation"),
            _("Questions' translation imported"),
        ),
        ("quiz.question.translated", _("Translate question"), _("Question translation saved")),
        (
            "quiz.question.translation_deleted",
            _("Delete question translation"),
            _("Question translation deleted"),
        ),
    ):
        actions.register_action(code, label, message)
