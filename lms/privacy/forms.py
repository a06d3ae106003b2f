from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from lms.privacy.selectors import notice_url


def notice_links_help(versions) -> str:
    """The help under the box: the terms of use and the privacy notice, each a link to the
    version in force (or to its usual address when none is published)."""
    by_kind = {version.kind: version for version in versions}
    return format_html(
        _(
            'Read the <a href="{terms}">terms of use</a> and '
            'the <a href="{privacy}">privacy notice</a>.'
        ),
        terms=notice_url(by_kind.get("terms"), "terms"),
        privacy=notice_url(by_kind.get("privacy"), "privacy"),
    )


def accept_field(versions) -> forms.BooleanField:
    return forms.BooleanField(
        label=_("I accept the terms of use and the privacy notice"),
        required=True,
        help_text=notice_links_help(versions),
        error_messages={
            "required": _("To continue, accept the terms of use and the privacy notice.")
        },
    )


class AcceptForm(forms.Form):
    """Asked of a signed-in person once a new version of a notice is in force."""

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.versions = versions
        self.fields["accept"] = accept_field(versions)
