"""Signals of the accreditation app.

``register_changed`` is sent (after commit) whenever data shown on the public register
changes: accreditations, their scope and statuses, firms and their accreditation, and
auditors' consent to be listed. The register connects its cache purge to it.
"""

from django.dispatch import Signal

register_changed = Signal()
