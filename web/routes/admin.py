"""``/admin/users``: admins list and add the workbench's users (the same as ``markwatch user add``).

Admins only (403 for analysts). The password is typed twice into the form; the form carries the
CSRF token like every other. Platform keys are managed by the feeds area.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from web.accounts import ROLES, AccountError, Accounts, User
from web.deps import get_accounts, require_admin
from web.i18n import translate
from web.templating import flash, page

router = APIRouter()


@router.get("/admin/users", include_in_schema=False)
@router.get("/admin/users.json", summary="Users of the workbench and their roles (admins only)")
def users_page(request: Request, admin: User = Depends(require_admin),
               accounts: Accounts = Depends(get_accounts)) -> Response:
    users = accounts.list()
    data = {"users": [{"username": u.username, "role": u.role} for u in users]}
    return page(request, "admin_users.html", {"users": users, "roles": ROLES}, data)


@router.post("/admin/users", include_in_schema=False)
def add_user(request: Request, username: str = Form(""), password: str = Form(""), password_again: str = Form(""),
             role: str = Form("analyst"), admin: User = Depends(require_admin),
             accounts: Accounts = Depends(get_accounts)) -> Response:
    if password != password_again:
        flash(request, translate(request, "The two passwords differ; nobody was added."), "error")
    else:
        try:
            user = accounts.add(username.strip(), password, role=role)
        except AccountError as exc:
            flash(request, str(exc), "error")
        else:
            flash(request, translate(request, "User %(name)s added.") % {"name": user.username}, "ok")
    return RedirectResponse("/admin/users", status_code=303)
