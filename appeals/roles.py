"""Staff roles as Django groups. A group gives the admin permissions; DepartmentMembership gives the scope.

- Department specialist / head: their departments' appeals (heads also extend deadlines, redirect late,
  override the answer check and keep the department's response templates).
- Triage operator: a member of the Open Almaty triage desk; routes what no rule routed; edits the rules.
- Supervisor: every department's appeals, to read and to reassign; reads the personal-data access log.
- Guide editor: the guide catalogue only; no appeals.
- Operator (front office, call centre): the clerk's desk (appeals.desk.ensure_operator_group, appeals.use_desk).
"""

from django.contrib.auth.models import Group, Permission

SPECIALISTS = "Department specialists"
HEADS = "Department heads"
TRIAGE = "Triage operators"
SUPERVISORS = "Supervisors"
EDITORS = "Guide editors"

_APPEAL_WORK = ["appeals.view_appeal", "appeals.change_appeal", "appeals.view_appealevent",
                "appeals.view_responsetemplate"]  # fmt: skip
ROLE_PERMISSIONS = {
    SPECIALISTS: _APPEAL_WORK,
    HEADS: [
        *_APPEAL_WORK,
        "appeals.add_responsetemplate",
        "appeals.change_responsetemplate",
        "appeals.delete_responsetemplate",
    ],
    TRIAGE: [
        *_APPEAL_WORK,
        "appeals.view_triageappeal",
        "appeals.change_triageappeal",
        "appeals.view_routingrule",
        "appeals.add_routingrule",
        "appeals.change_routingrule",
        "appeals.view_category",
        "appeals.view_department",
    ],
    SUPERVISORS: [
        *_APPEAL_WORK,
        "appeals.view_triageappeal",
        "appeals.change_triageappeal",
        "appeals.view_personaldataaccess",
        "appeals.view_department",
        "appeals.view_routingrule",
    ],
    EDITORS: [
        f"life_situations.{action}_{model}"
        for model in ("lifesituation", "sphere", "step", "document")
        for action in ("view", "add", "change")
    ]
    + ["life_situations.view_searchgap"],
}


def ensure_roles() -> dict[str, Group]:
    """Create the groups and give them exactly their permissions (idempotent)."""
    groups = {}
    for name, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
        groups[name] = group
    return groups


def is_supervisor(user) -> bool:
    """Superusers and the Supervisors group see every department (the answer is kept on the user object)."""
    if user is None or not user.is_authenticated:
        return False
    if not hasattr(user, "_oa_supervisor"):
        user._oa_supervisor = user.is_superuser or user.groups.filter(name=SUPERVISORS).exists()
    return user._oa_supervisor
