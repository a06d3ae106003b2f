from django.utils.functional import SimpleLazyObject

from lms import permissions


def roles(request):
    """The signed-in person's roles, for navigation. Evaluated only when a template asks."""
    user = getattr(request, "user", None)

    def compute():
        if user is None or not user.is_authenticated:
            return {}
        return {
            "member": permissions.is_member(user),
            "auditor": permissions.is_auditor(user),
            "firm_admin": permissions.is_firm_admin(user),
            "staff": permissions.can_access_admin(user),
        }

    return {"roles": SimpleLazyObject(compute)}
