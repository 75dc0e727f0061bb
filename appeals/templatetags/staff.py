from django import template

from appeals.selectors import staff_dashboard as dashboard

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_dashboard(context) -> dict | None:
    """The staff home's figures for the signed-in user, or None for those who do not work on appeals."""
    user = context["request"].user
    if not user.has_perm("appeals.view_appeal"):
        return None
    return dashboard(user=user)
