from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.forms import StaffLoginForm
from accounts.models import User

# Staff sign in to the admin with email or phone, like everybody else.
admin.site.login_form = StaffLoginForm
admin.site.site_header = _("Open Almaty: staff workspace")
admin.site.site_title = _("Open Almaty")
admin.site.index_title = _("Staff workspace")
admin.site.enable_nav_sidebar = False  # the appeal list needs the width more than a second menu


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["-date_joined"]
    readonly_fields = ["phone_verified_at", "iin_verified_at", "failed_logins", "locked_until", "last_login",
                       "date_joined"]  # fmt: skip
    list_display = ["phone", "email", "full_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["phone", "email", "full_name"]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["phone", "phone_verified_at", "email", "password"]}),
        (_("Personal info"), {"fields": ["full_name", "iin", "iin_verified_at", "language"]}),
        (_("Notifications"), {"fields": ["notify_by_sms", "notify_by_email"]}),
        (_("Signing in"), {"fields": ["failed_logins", "locked_until"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["phone", "email", "full_name", "password1", "password2"]})]
