"""The Stripe webhook's URL, outside the site's language prefix (lms/urls.py): Stripe calls
one fixed address, and no language applies to it."""

from django.urls import path

from courses.payments import views

app_name = "payments_webhook"

urlpatterns = [
    path("payments/stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
