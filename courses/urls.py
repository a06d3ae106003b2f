from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("courses/", views.catalogue, name="catalogue"),
    path("courses/<slug:slug>/", views.course_detail, name="detail"),
    path("courses/<slug:slug>/enrol/", views.enrol, name="enrol"),
    path("courses/<slug:slug>/lessons/<int:lesson_id>/", views.lesson_detail, name="lesson"),
    path(
        "courses/<slug:slug>/lessons/<int:lesson_id>/visit/",
        views.lesson_visit,
        name="lesson_visit",
    ),
    path(
        "courses/<slug:slug>/lessons/<int:lesson_id>/done/",
        views.lesson_mark_done,
        name="lesson_done",
    ),
    path(
        "courses/<slug:slug>/lessons/<int:lesson_id>/submit/",
        views.assignment_submit,
        name="assignment_submit",
    ),
    path("submissions/<int:pk>/file/", views.submission_file, name="submission_file"),
    path("certificates/<str:code>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/record/", views.learner_record, name="learner_record"),
    path("dashboard/record.pdf", views.learner_record_pdf, name="learner_record_pdf"),
    path("verify/", views.verify_lookup, name="verify_lookup"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
