"""Who may message whom, as the rule decides it (no transports)."""
import itertools

import pytest

from lms.messaging.models import ANYONE, COURSE_MEMBERS, STAFF_ONLY
from lms.messaging.rules import Facts, may_message, refusal
from lms.messaging.service import Filters, MESSAGE_FIELDS
from lms.platform.errors import ValidationError


@pytest.mark.parametrize("scope", [STAFF_ONLY, COURSE_MEMBERS, ANYONE])
def test_every_combination_of_facts(scope):
    for staff, course_staff, shares, answers in itertools.product((False, True), repeat=4):
        facts = Facts(sender_is_staff=staff, recipient_is_course_staff=course_staff, shares_course=shares,
                      answers_thread=answers)
        expected = (staff or answers or scope == ANYONE or course_staff
                    or (scope == COURSE_MEMBERS and shares))
        assert may_message(scope, facts) is expected, (scope, facts)


def test_students_under_each_scope():
    classmate = Facts(sender_is_staff=False, recipient_is_course_staff=False, shares_course=True)
    teacher = Facts(sender_is_staff=False, recipient_is_course_staff=True, shares_course=False)
    stranger = Facts(sender_is_staff=False, recipient_is_course_staff=False, shares_course=False)
    assert not may_message(STAFF_ONLY, classmate) and may_message(STAFF_ONLY, teacher)
    assert may_message(COURSE_MEMBERS, classmate) and not may_message(COURSE_MEMBERS, stranger)
    assert may_message(ANYONE, stranger)
    assert refusal(STAFF_ONLY) != refusal(COURSE_MEMBERS)
    with pytest.raises(ValueError):
        may_message("everyone", stranger)


def test_message_fields_defaults_and_errors():
    values = MESSAGE_FIELDS.validate({"recipient": "user123", "subject": "Question about assignment",
                                      "content": "I need help with the Python assignment...",
                                      "message_type": "direct"})
    assert values == {"recipient": "user123", "subject": "Question about assignment",
                      "content": "I need help with the Python assignment...", "message_type": "direct",
                      "course": None, "reply_to": None}
    with pytest.raises(ValidationError) as error:
        MESSAGE_FIELDS.validate({"content": "", "message_type": "system", "course": "x", "subject": "s" * 201})
    assert error.value.errors == {"content": ["This field may not be blank."],
                                  "message_type": ['"system" is not a valid choice.'],
                                  "course": ["A valid integer is required."],
                                  "subject": ["Ensure this field has no more than 200 characters."]}


def test_unread_filter_means_the_inbox_unless_a_folder_is_named():
    assert Filters(unread=True).check().folder == "inbox"
    assert Filters(unread=False, folder="sent").check().folder == "sent"
    assert Filters().check().folder is None
    with pytest.raises(ValidationError) as error:
        Filters(folder="trash", message_type="spam").check()
    assert set(error.value.errors) == {"folder", "message_type"}
