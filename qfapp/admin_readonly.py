"""Read-only admin pages: records that change only through their services (audited,
permission-checked) are shown in the admin but never changed there."""


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInlineMixin(ReadOnlyAdminMixin):
    extra = 0
    can_delete = False
