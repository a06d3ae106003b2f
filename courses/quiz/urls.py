from django.urls import path

from courses.quiz import views

app_name = "quiz"

urlpatterns = [
    path("quizzes/<slug:slug>/", views.detail, name="detail"),
    path("quizzes/<slug:slug>/start/", views.start, name="start"),
    path("quizzes/attempt/<int:pk>/", views.attempt_page, name="attempt"),
    path("quizzes/attempt/<int:pk>/save/", views.attempt_save, name="save"),
    path("quizzes/attempt/<int:pk>/flag/", views.attempt_flag, name="flag"),
    path("quizzes/attempt/<int:pk>/time/", views.attempt_time, name="time"),
    path("quizzes/attempt/<int:pk>/summary/", views.summary, name="summary"),
    path("quizzes/attempt/<int:pk>/submit/", views.submit, name="submit"),
    path("quizzes/attempt/<int:pk>/result/", views.result, name="result"),
]
