"""The accreditation app's views, one module per audience: ``auditor`` (the auditor's own
pages and dashboard panel), ``firm`` (the firm admin's page), ``fees`` (paying a firm's fee),
``public`` (the register, its CSV and certificates) and ``admin`` (the staff screens and the
decisions log in the Wagtail admin, wired in ``wagtail_hooks``). URLs: ``accreditation/urls.py``.
"""
