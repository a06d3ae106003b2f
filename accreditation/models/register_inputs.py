"""The queryset of the rows the public register's read model is computed from."""

from __future__ import annotations

from django.db import models


class RegisterInputQuerySet(models.QuerySet):
    """Rows the public register's read model is computed from (scope, accreditations,
    affiliations, firms' periods, status and own scope, auditor profiles).

    Saves and deletes refresh the read model through signals; writes in bulk send none, so
    they refresh it here (``accreditation.services.register``): a row changed by any path
    never leaves the register behind.
    """

    def update(self, **kwargs):
        from accreditation.services.register import auditors_of_rows, touch

        pks = list(self.values_list("pk", flat=True))
        before = auditors_of_rows(self.model, pks)
        count = super().update(**kwargs)
        touch(before | auditors_of_rows(self.model, pks))
        return count

    def bulk_create(self, objs, *args, **kwargs):
        from accreditation.services.register import touch_created

        created = super().bulk_create(objs, *args, **kwargs)
        touch_created(self.model, created)
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        from accreditation.services.register import (
            auditors_of_instances,
            auditors_of_rows,
            touch,
        )

        objs = list(objs)
        before = auditors_of_rows(self.model, [obj.pk for obj in objs])
        count = super().bulk_update(objs, fields, *args, **kwargs)
        touch(before | auditors_of_instances(self.model, objs))
        return count
