from django.urls import path

from lms.members import views

app_name = "members"

urlpatterns = [
    path("organisation/", views.organisation_home, name="organisation"),
    path("organisation/invite/", views.invite, name="invite"),
    path(
        "organisation/invitations/<int:pk>/revoke/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path(
        "organisation/colleagues/<int:pk>/remove/", views.remove_colleague, name="remove_colleague"
    ),
    path("organisation/learning/", views.learning, name="learning"),
    path("organisation/learning.csv", views.learning_csv, name="learning_csv"),
    path("invitations/<str:token>/", views.join, name="join"),
]
