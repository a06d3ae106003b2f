from django.urls import path

from courses.payments import views

app_name = "payments"

urlpatterns = [
    # The Stripe webhook is in webhook_urls.py, outside the language prefix.
    path("payments/buy/course/<slug:slug>/", views.BuyCourseView.as_view(), name="buy_course"),
    path("payments/buy/exam/<slug:slug>/", views.BuyExamView.as_view(), name="buy_exam"),
    path("payments/buy/firm-fee/<str:kind>/", views.BuyFirmFeeView.as_view(), name="buy_firm_fee"),
    path("payments/basket/", views.basket_view, name="basket"),
    path("payments/basket/add/", views.basket_add, name="basket_add"),
    path("payments/basket/update/", views.basket_update, name="basket_update"),
    path("payments/orders/", views.order_list, name="order_list"),
    path("payments/orders/<uuid:public_id>/", views.order_detail, name="order_detail"),
    path("payments/orders/<uuid:public_id>/pay/", views.order_pay, name="order_pay"),
    path("payments/orders/<uuid:public_id>/cancel/", views.order_cancel, name="order_cancel"),
    path("payments/orders/<uuid:public_id>/invoice.pdf", views.invoice_pdf, name="invoice_pdf"),
    path("payments/orders/<uuid:public_id>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
    path(
        "payments/orders/<uuid:public_id>/credit-notes/<int:pk>.pdf",
        views.credit_note_pdf,
        name="credit_note_pdf",
    ),
    path("payments/sittings/", views.voucher_list, name="voucher_list"),
    path("payments/sittings/<int:pk>/assign/", views.voucher_assign, name="voucher_assign"),
    path(
        "payments/sittings/<int:pk>/take-back/", views.voucher_take_back, name="voucher_take_back"
    ),
]
