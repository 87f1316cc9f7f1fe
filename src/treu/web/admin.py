"""The admin API under ``/admin/api``: every route here needs a logged-in user.

The router itself depends on ``current_user``, so a route added to it can never
be reached anonymously; narrow it further with ``require_role``::

    @router.post("/requests/{request_id}/close")
    def close(request_id: str, user: Annotated[User, Depends(require_role("admin", "dpo"))],
              db: DbSession) -> ...:
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from treu.users import get_user, issue_api_token
from treu.web.auth import CurrentUser, current_user
from treu.web.deps import DbSession, services
from treu.web.errors import Forbidden

__all__ = ["router"]

router = APIRouter(prefix="/admin/api", tags=["admin"], dependencies=[Depends(current_user)])


class Me(BaseModel):
    id: int
    email: str
    role: str
    auth: str = Field(description="How this call was authenticated: session or token.")


class TokenOrder(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    user_id: int | None = Field(
        default=None, description="Whose token; only admins may name another user."
    )


class IssuedToken(BaseModel):
    token: str = Field(description="Shown once; treu keeps only its SHA-256.")
    name: str
    user_id: int


@router.get("/me")
def me(request: Request, user: CurrentUser) -> Me:
    """Who am I: the user behind this session or token."""
    return Me(id=user.id, email=user.email, role=user.role, auth=request.state.auth)


@router.post("/tokens", status_code=201)
def issue_token(
    request: Request, order: TokenOrder, user: CurrentUser, db: DbSession
) -> IssuedToken:
    """A new API token for yourself, or (admins only) for another user."""
    owner = user
    if order.user_id is not None and order.user_id != user.id:
        if user.role != "admin":
            raise Forbidden("only an admin may issue tokens for other users")
        owner = get_user(db, order.user_id)
    token = issue_api_token(db, owner, order.name, services(request).clock)
    return IssuedToken(token=token, name=order.name.strip(), user_id=owner.id)
