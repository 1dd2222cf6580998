"""Groups through the edge: the document's bodies, roles and their rights, invitations, private groups."""

from tests.helpers import FORBIDDEN, NOT_FOUND, UNAUTHENTICATED, assert_error, enroll, make_course

URL = "/api/lms/groups/groups/"
DOC_BODY = {"name": "Python Study Group", "description": "Group for Python learners to collaborate",
            "is_private": False, "max_members": 20}


def make_group(actor, **fields) -> dict:
    response = actor.post(URL, {**DOC_BODY, **fields})
    assert response.status_code == 201, response.text
    return response.json()


def test_document_body_creates_a_group_owned_by_its_creator(tenant, other_tenant):
    student = tenant.student(first_name="Ada", last_name="Lovelace")
    response = student.post("/api/lms/groups/groups", DOC_BODY)  # without the trailing slash too
    assert response.status_code == 201, response.text
    group = response.json()
    assert {k: group[k] for k in DOC_BODY} == DOC_BODY
    assert group["course"] is None and group["member_count"] == 1 and group["owner_id"] == student.user_id
    assert group["is_member"] is True and group["my_role"] == "owner"
    assert group["created_at"].endswith("Z")

    other = tenant.student()
    seen = other.get(f"{URL}{group['id']}/").json()
    assert seen["is_member"] is False and seen["my_role"] is None and seen["member_count"] == 1
    listed = other.get(URL).json()
    assert listed["count"] == 1 and listed["next"] is None and listed["previous"] is None
    assert [g["id"] for g in listed["results"]] == [group["id"]]
    members = other.get(f"{URL}{group['id']}/members/").json()
    assert members["results"] == [{"group": group["id"], "user_id": student.user_id, "user_name": "Ada Lovelace",
                                   "role": "owner", "joined_at": members["results"][0]["joined_at"]}]

    # Another tenant sees nothing, and anonymous callers are refused.
    stranger = other_tenant.admin()
    assert stranger.get(URL).json()["count"] == 0
    assert_error(stranger.get(f"{URL}{group['id']}/"), 404, NOT_FOUND)
    assert_error(stranger.post(f"{URL}{group['id']}/join/"), 404, NOT_FOUND)
    assert_error(stranger.get(f"{URL}{group['id']}/members/"), 404, NOT_FOUND)
    assert_error(tenant.anonymous().get(URL), 401, UNAUTHENTICATED)


def test_validation_errors_are_drf_shaped(tenant, other_tenant):
    student = tenant.student()
    assert_error(student.post(URL, {}), 400, {"name": ["This field is required."]})
    assert_error(student.post(URL, {"name": "x", "max_members": 0}), 400,
                 {"max_members": ["Ensure this value is greater than or equal to 1."]})
    assert_error(student.post(URL, {"name": "x", "max_members": "many"}), 400,
                 {"max_members": ["A valid integer is required."]})
    foreign = make_course(other_tenant.admin())
    assert_error(student.post(URL, {"name": "x", "course": foreign["id"]}), 400,
                 {"course": [f'Invalid pk "{foreign["id"]}" - object does not exist.']})
    assert student.get(URL).json()["count"] == 0


def test_roles_list_the_closed_set_with_rights(tenant):
    response = tenant.student().get("/api/lms/groups/roles/")
    assert response.status_code == 200
    roles = response.json()
    assert [r["name"] for r in roles] == ["owner", "moderator", "member"]
    rights = {r["name"]: set(r["permissions"]) for r in roles}
    assert "transfer_ownership" in rights["owner"] and "remove_members" in rights["moderator"]
    assert "remove_members" not in rights["member"]
    assert tenant.student().get("/api/lms/groups/roles").json() == roles


def test_join_leave_and_role_rights(tenant):
    owner, mod, member, other = (tenant.student() for _ in range(4))
    group = make_group(owner)
    gid = group["id"]
    for user in (mod, member, other):
        joined = user.post(f"{URL}{gid}/join/")
        assert joined.status_code == 200, joined.text
        assert joined.json()["role"] == "member"
    assert_error(member.post(f"{URL}{gid}/join/"), 400,
                 {"non_field_errors": ["User is already a member of this group."]})
    assert owner.get(f"{URL}{gid}/").json()["member_count"] == 4

    # Members cannot change roles or remove others; owners can.
    assert_error(member.patch(f"{URL}{gid}/members/{mod.user_id}/", {"role": "moderator"}), 403, FORBIDDEN)
    assert_error(member.delete(f"{URL}{gid}/members/{other.user_id}/"), 403, FORBIDDEN)
    promoted = owner.patch(f"{URL}{gid}/members/{mod.user_id}/", {"role": "moderator"})
    assert promoted.status_code == 200 and promoted.json()["role"] == "moderator"
    assert_error(owner.patch(f"{URL}{gid}/members/{mod.user_id}/", {"role": "boss"}), 400,
                 {"role": ['"boss" is not a valid choice.']})

    # Moderators remove members, not the owner; they cannot change the group.
    assert_error(mod.delete(f"{URL}{gid}/members/{owner.user_id}/"), 403, FORBIDDEN)
    assert_error(mod.patch(f"{URL}{gid}/", {"name": "Mine now"}), 403, FORBIDDEN)
    removed = mod.delete(f"{URL}{gid}/members/{other.user_id}")
    assert removed.status_code == 204 and removed.content == b""
    assert owner.get(f"{URL}{gid}/").json()["member_count"] == 3

    # The owner cannot leave before transferring ownership; transfer makes the old owner a moderator.
    assert_error(owner.post(f"{URL}{gid}/leave/"), 400,
                 {"non_field_errors": ["The owner must transfer ownership before leaving the group."]})
    transferred = owner.patch(f"{URL}{gid}/members/{member.user_id}/", {"role": "owner"})
    assert transferred.status_code == 200 and transferred.json()["role"] == "owner"
    roles = {m["user_id"]: m["role"] for m in owner.get(f"{URL}{gid}/members/").json()["results"]}
    assert roles == {owner.user_id: "moderator", member.user_id: "owner", mod.user_id: "moderator"}
    assert owner.get(f"{URL}{gid}/").json()["owner_id"] == member.user_id
    assert owner.post(f"{URL}{gid}/leave/").status_code == 204
    assert owner.get(f"{URL}{gid}/").json()["is_member"] is False

    # Only the owner (or staff) changes or deletes the group.
    assert member.patch(f"{URL}{gid}/", {"name": "Renamed"}).json()["name"] == "Renamed"
    assert_error(member.patch(f"{URL}{gid}/", {"max_members": 1}), 400, fields=["max_members"])
    assert tenant.admin().patch(f"{URL}{gid}/", {"description": "by staff"}).status_code == 200
    assert member.delete(f"{URL}{gid}/").status_code == 204
    assert_error(member.get(f"{URL}{gid}/"), 404, NOT_FOUND)


def test_private_groups_are_invisible_and_joined_by_invitation(tenant, other_tenant):
    owner, friend, outsider = tenant.student(), tenant.student(), tenant.student()
    group = make_group(owner, name="Secret", is_private=True, max_members=2)
    gid = group["id"]
    for path in ("", "members/", "invitations/"):
        assert_error(outsider.get(f"{URL}{gid}/{path}"), 404, NOT_FOUND)
    assert_error(outsider.post(f"{URL}{gid}/join/"), 404, NOT_FOUND)
    assert outsider.get(URL).json()["count"] == 0
    assert tenant.instructor().get(f"{URL}{gid}/").status_code == 200  # staff see every group

    # Members cannot invite; the owner invites, the invitee sees it and accepts.
    assert_error(owner.post(f"{URL}{gid}/invitations/", {}), 400, {"user_id": ["This field is required."]})
    invited = owner.post(f"{URL}{gid}/invitations/", {"user_id": friend.user_id})
    assert invited.status_code == 201, invited.text
    invitation = invited.json()
    assert (invitation["status"], invitation["group_name"], invitation["invited_by"]) == (
        "pending", "Secret", owner.user_id)
    assert_error(owner.post(f"{URL}{gid}/invitations/", {"user_id": friend.user_id}), 400,
                 {"user_id": ["User already has a pending invitation to this group."]})
    assert owner.get(f"{URL}{gid}/invitations/").json()["count"] == 1
    mine = friend.get("/api/lms/groups/invitations/").json()
    assert [i["id"] for i in mine["results"]] == [invitation["id"]]
    assert friend.get(f"{URL}{gid}/").status_code == 200  # the invitee sees the group ...
    assert_error(friend.get(f"{URL}{gid}/members/"), 404, NOT_FOUND)  # ... not its members
    assert_error(friend.post(f"{URL}{gid}/join/"), 403,
                 {"detail": "This group is private: members join by invitation."})
    assert_error(outsider.post(f"/api/lms/groups/invitations/{invitation['id']}/accept/"), 404, NOT_FOUND)
    accepted = friend.post(f"/api/lms/groups/invitations/{invitation['id']}/accept")
    assert accepted.status_code == 200 and accepted.json()["role"] == "member"
    assert_error(friend.post(f"/api/lms/groups/invitations/{invitation['id']}/accept/"), 400,
                 {"non_field_errors": ["This invitation was accepted already."]})
    assert friend.get(f"{URL}{gid}/members/").json()["count"] == 2

    # The group is full now: a staff member adding someone gets the same 400.
    assert_error(tenant.admin().post(f"{URL}{gid}/members/", {"user_id": outsider.user_id}), 400,
                 {"non_field_errors": ["This group is full."]})
    assert_error(owner.post(f"{URL}{gid}/members/", {"user_id": outsider.user_id}), 403, FORBIDDEN)

    # Declining; another tenant's invitation ids do not exist.
    declined_group = make_group(owner, name="Other", is_private=True)
    inv = owner.post(f"{URL}{declined_group['id']}/invitations/", {"user_id": outsider.user_id}).json()
    assert outsider.post(f"/api/lms/groups/invitations/{inv['id']}/decline/").json()["status"] == "declined"
    assert_error(other_tenant.actor("student", user_id=outsider.user_id).post(
        f"/api/lms/groups/invitations/{inv['id']}/accept/"), 404, NOT_FOUND)


def test_staff_add_members_to_private_groups(tenant):
    admin, owner, student = tenant.admin(), tenant.student(), tenant.student()
    group = make_group(owner, is_private=True)
    added = admin.post(f"{URL}{group['id']}/members/", {"user_id": student.user_id, "role": "moderator"})
    assert added.status_code == 201 and added.json()["role"] == "moderator"
    assert student.get(f"{URL}{group['id']}/").json()["my_role"] == "moderator"
    assert_error(admin.post(f"{URL}{group['id']}/members/", {"user_id": "bad id!"}), 400,
                 {"user_id": ["Enter a valid user id."]})


def test_course_groups_are_for_the_course_learners_and_staff(tenant):
    admin = tenant.admin()
    course = make_course(admin)
    learner, outsider = tenant.student(), tenant.student()
    enroll(learner, course["id"])
    assert_error(outsider.post(URL, {"name": "x", "course": course["id"]}), 403,
                 {"detail": "You are not enrolled in this course."})
    group = make_group(learner, name="Course group", course=course["id"])
    assert group["course"] == course["id"]
    assert_error(outsider.get(f"{URL}{group['id']}/"), 404, NOT_FOUND)
    assert_error(outsider.post(f"{URL}{group['id']}/join/"), 404, NOT_FOUND)
    classmate = tenant.student()
    enroll(classmate, course["id"])
    assert classmate.post(f"{URL}{group['id']}/join/").status_code == 200
    assert [g["id"] for g in classmate.get(URL, params={"course": course["id"]}).json()["results"]] == [group["id"]]
    assert classmate.get(URL, params={"mine": "false"}).json()["count"] == 0
    assert admin.get(f"{URL}{group['id']}/").json()["member_count"] == 2


def test_documented_routes_are_in_the_openapi_document(tenant):
    paths = tenant.anonymous().get("/api/schema/").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/lms/groups/groups/"])
    assert {"get", "put", "patch", "delete"} <= set(paths["/api/lms/groups/groups/{group_id}/"])
    assert "get" in paths["/api/lms/groups/roles/"]
    body = paths["/api/lms/groups/groups/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body  # a real schema of GroupInput
