import pytest
from django.test import Client

from lms import roles
from tests.factories import UserFactory
from tests.payments import fake_stripe
from tests.payments.factories import CatalogueItemFactory, CourseItemFactory, ExamItemFactory
from tests.payments.stripe_events import TEST_WEBHOOK_SECRET


@pytest.fixture(scope="session")
def _fake_stripe_server():
    fake = fake_stripe.start()
    yield fake
    fake.server.shutdown()


@pytest.fixture
def fake_stripe_api(_fake_stripe_server, settings, monkeypatch, db):
    """Stripe keys configured; the library's API base points at the local fake. Every
    test that uses it also checks that no call to Stripe was made inside a transaction."""
    _fake_stripe_server.reset()
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET
    settings.STRIPE_API_BASE = _fake_stripe_server.url
    _fake_stripe_server.watch_transactions(monkeypatch)
    yield _fake_stripe_server
    inside = _fake_stripe_server.calls_inside_a_transaction()
    assert not inside, f"Stripe was called inside a database transaction (calls {inside})"


@pytest.fixture
def webhook_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET
    settings.STRIPE_WEBHOOK_TOLERANCE = 300
    return TEST_WEBHOOK_SECRET


@pytest.fixture
def no_stripe(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""


@pytest.fixture
def course_item(db):
    return CourseItemFactory(price=(20000, 0), name="Course: Chain of Custody basics")


@pytest.fixture
def exam_item(db):
    return ExamItemFactory(price=(15000, None), name="Exam sitting")


@pytest.fixture
def firm_item(db):
    return CatalogueItemFactory(name="Audit firm application fee", price=(150000, None))


@pytest.fixture
def buyer(db):
    return UserFactory(full_name="Bea Buyer")


@pytest.fixture
def buyer_client(buyer) -> Client:
    client = Client()
    client.force_login(buyer)
    return client


@pytest.fixture
def auditor(db):
    from accreditation.models import AuditorProfile

    person = UserFactory(role=roles.AUDITOR, full_name="Ada Auditor")
    AuditorProfile.objects.create(user=person)
    return person


@pytest.fixture
def firm_admin(db):
    return UserFactory(role=roles.FIRM_ADMIN, full_name="Fred Firm-Admin")


@pytest.fixture
def firm(firm_admin):
    """An audit firm that ``firm_admin`` administers."""
    from tests.accreditation.factories import FirmFactory

    firm = FirmFactory(name="Certi Audit GmbH")
    firm.admins.add(firm_admin)
    return firm


@pytest.fixture
def card_order(fake_stripe_api, buyer, course_item):
    """A pending card order of one course place (EUR 200.00) by ``buyer``."""
    from courses.payments import services

    return services.order_create(
        buyer=buyer,
        lines=[services.LineRequest(item=course_item)],
        method="card",
        currency="EUR",
    )


@pytest.fixture
def paid_card_order(card_order, client):
    """``card_order`` paid through Stripe's signed "completed" webhook (payment pi_test_1)."""
    from courses.payments.models import OrderStatus
    from tests.payments import stripe_events as se

    se.post(client, se.event("checkout.session.completed", se.session_object(card_order)))
    card_order.refresh_from_db()
    assert card_order.status == OrderStatus.PAID
    return card_order


@pytest.fixture
def exam_card_order(fake_stripe_api, auditor, exam_item):
    """A pending card order of one exam sitting (EUR 150.00) by an auditor for themselves."""
    from courses.payments import services

    return services.order_create(
        buyer=auditor,
        lines=[services.LineRequest(item=exam_item)],
        method="card",
        currency="EUR",
    )


@pytest.fixture
def auditor_of_firm_admin(firm, auditor):
    """``auditor`` works for an audit firm that ``firm_admin`` runs, so the admin may give
    them the firm's paid sittings."""
    from tests.accreditation.factories import AffiliationFactory

    AffiliationFactory(auditor=auditor.auditor_profile, firm=firm)
    return auditor


@pytest.fixture
def pool_order(no_stripe, firm_admin, exam_item, auditor_of_firm_admin, staff_user):
    """A firm pool of 4 paid sittings (EUR 150 each): one assigned and used, one assigned
    and not used, two unassigned."""
    auditor = auditor_of_firm_admin
    from courses.payments import services
    from courses.payments.models import SittingVoucher
    from courses.quiz.models import ExamSitting

    order = services.order_create(
        buyer=firm_admin,
        lines=[services.LineRequest(item=exam_item, quantity=4, for_firm_pool=True)],
        method="invoice",
    )
    services.order_mark_paid(order=order, actor=staff_user, reference="BANK-P")
    first, second, _third, _fourth = SittingVoucher.objects.order_by("pk")
    services.voucher_assign(voucher=first, person=auditor, actor=firm_admin)
    services.voucher_assign(voucher=second, person=auditor, actor=firm_admin)
    first.refresh_from_db()
    ExamSitting.objects.filter(pk=first.sitting_id).update(status="used")
    return order


@pytest.fixture
def own_auditor(firm):
    """An auditor of ``firm`` (a confirmed affiliation)."""
    from tests.accreditation.factories import AuditorFactory

    return AuditorFactory(user__full_name="Olga Own", firm=firm).user


@pytest.fixture
def voucher(no_stripe, firm_admin, exam_item, staff_user):
    """One paid exam sitting in ``firm_admin``'s pool (an invoice order marked paid)."""
    from courses.payments import services
    from courses.payments.models import SittingVoucher

    order = services.order_create(
        buyer=firm_admin,
        lines=[services.LineRequest(item=exam_item, quantity=1, for_firm_pool=True)],
        method="invoice",
    )
    services.order_mark_paid(order=order, actor=staff_user, reference="BANK-V")
    return SittingVoucher.objects.get()


@pytest.fixture
def admin_client(firm_admin) -> Client:
    """``firm_admin`` signed in."""
    client = Client()
    client.force_login(firm_admin)
    return client
