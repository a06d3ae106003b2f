"""The register's markup written in Python (``accreditation/templatetags/register_tags.py``)
is exactly what the templates it replaces rendered, in every language."""

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation
from django_countries import countries

from accreditation.models import ScopeElement
from accreditation.register import load_reference
from accreditation.templatetags.register_tags import country_options, firm_options
from tests.accreditation.factories import AccreditationFactory

pytestmark = pytest.mark.django_db

OLD_COUNTRY_OPTIONS = Template(
    '{% for code, name in countries %}<option value="{{ code }}"'
    "{% if code == selected|upper %} selected{% endif %}>{{ name }}</option>{% endfor %}"
)


OLD_FIRM_OPTIONS = Template(
    '{% for firm in firms %}<option value="{{ firm.slug }}"{% if firm.slug == selected %}'
    " selected{% endif %}>{{ firm.name }}</option>{% endfor %}"
)


NEW_SCOPE_LIST = Template("{% load register_tags %}{% scope_list scope show_firm %}")
NEW_SCOPE_LIST_TWICE = Template(
    "{% load register_tags %}{% scope_list scope show_firm %}{% scope_list scope show_firm %}"
)


@pytest.mark.parametrize("language", ["en", "fr", "zh-hans"])
@pytest.mark.parametrize("selected", ["", "DE", "ci", "XX", "<b>"])
def test_country_options_equal_the_template_loop(language, selected):
    with translation.override(language):
        old = OLD_COUNTRY_OPTIONS.render(
            Context({"countries": list(countries), "selected": selected})
        )
        assert country_options(selected) == old
    assert old.count("<option") > 200
    assert (" selected>" in old) == (selected.upper() in {"DE", "CI"})


@pytest.mark.parametrize("selected", ["", "o-brien-partners", "O-BRIEN-PARTNERS", '"><b>'])
def test_firm_options_equal_the_template_loop(selected):
    AccreditationFactory(firm__name='O\'Brien <&> "Partners"', firm__slug="o-brien-partners")
    AccreditationFactory(firm__name="Zeta Audit", firm__slug="zeta-audit")
    firms = load_reference().firms
    old = OLD_FIRM_OPTIONS.render(Context({"firms": firms, "selected": selected}))
    assert firm_options(firms, selected) == old
    assert old.count("<option") == 2
    assert "&lt;&amp;&gt;" in old and "&#x27;" in old and "&quot;" in old
    assert (" selected>" in old) == (selected == "o-brien-partners")


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("show_firm", [False, True])
def test_scope_list_equals_the_template(language, show_firm):
    AccreditationFactory(
        firm__name="Firm <&> Partners",
        scope=[("casthouse", "CI"), ("bauxite-mining", "GN"), ("casthouse", "DE")],
    )
    scope = list(
        ScopeElement.objects.select_related("sector__standard", "accreditation__firm").order_by(
            "pk"
        )
    )
    scope[0].valid_until = None  # an element without an end shows no date
    with translation.override(language):
        old = render_to_string(
            "accreditation/register/_scope_list.html", {"scope": scope, "show_firm": show_firm}
        )
        assert NEW_SCOPE_LIST.render(Context({"scope": scope, "show_firm": show_firm})) == old
        # twice in one render (the words put together once are reused): the same twice
        assert NEW_SCOPE_LIST_TWICE.render(Context({"scope": scope, "show_firm": show_firm})) == (
            old * 2
        )
        assert NEW_SCOPE_LIST.render(
            Context({"scope": [], "show_firm": show_firm})
        ) == render_to_string(
            "accreditation/register/_scope_list.html", {"scope": [], "show_firm": show_firm}
        )
