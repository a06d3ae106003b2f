"""Member organisations and their people, run by the secretariat and by each
organisation's managers.

- ``services``: every change (organisations, links of people, roles, invitations), each
  writing one audit entry through ``lms.audit.record``;
- ``selectors``: the reads (colleagues, lapsing memberships, invitations by token);
- ``learning``: the learning of an organisation's people, gathered from the apps above
  through the ``organisation_learning_summary`` hook;
- ``importer``: the CSV import (``manage.py import_members`` and the admin's import);
- ``views`` (managers, on the site) and ``admin_views`` (the secretariat, in Wagtail's
  admin, wired in ``lms/wagtail_hooks.py``).
"""
