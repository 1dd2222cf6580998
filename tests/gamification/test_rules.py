"""The rules of points and badges as plain values (no transports, no database)."""
from lms.gamification import rules


def test_every_rule_event_maps_to_a_cause_keyed_by_its_object():
    cause = rules.cause_of("lesson.completed", {"course_id": 3, "lesson_id": 9, "user_id": "u1"})
    assert (cause.rule, cause.user_id, cause.cause_id, cause.course_id) == ("lesson_completed", "u1", "lesson:9", 3)
    assert rules.cause_of("course.completed", {"course_id": 3, "user_id": "u1"}).cause_id == "course:3"
    assert rules.cause_of("submission.created", {"submission_id": 5, "course_id": 3, "student_id": "s"}).user_id == "s"
    certificate = rules.cause_of("certificate.issued", {"course_id": 3, "certificate_id": "CERT-X-1"}, "user_u2")
    assert (certificate.user_id, certificate.cause_id) == ("u2", "certificate:CERT-X-1")
    assert rules.cause_of("forum.post_approved", {"post_id": 4, "author_id": "a"}).cause_id == "post:4"
    assert rules.cause_of("scorm.completed", {"course_id": 3, "user_id": "u"}).cause_id == "scorm:3"


def test_events_without_what_their_rule_needs_pay_nothing():
    assert rules.cause_of("enrollment.created", {"course_id": 1, "user_id": "u"}) is None
    assert rules.cause_of("lesson.completed", {"course_id": 1, "user_id": "u"}) is None  # no lesson
    assert rules.cause_of("lesson.completed", {"lesson_id": 1}) is None  # no learner
    assert rules.cause_of("lesson.completed", {"lesson_id": 1}, "course_4") is None
    assert rules.cause_of("lesson.completed", {"lesson_id": True, "user_id": "u"}) is None
    assert rules.cause_of("submission.graded", {"submission_id": 1, "grade": 5, "max_score": 0}, "user_u") is None
    assert rules.cause_of("lesson.completed", ["not", "a", "mapping"]) is None


def test_graded_work_is_scaled_by_its_grade():
    cause = rules.cause_of("submission.graded", {"submission_id": 1, "grade": 17.5, "max_score": 20}, "user_s")
    assert cause.score_percent == 88  # 87.5 rounds half up
    assert rules.points_for(cause, 20) == 18
    assert rules.points_for(cause, 0) == 0
    assert rules.graded_percent(25, 20) == 100
    assert rules.graded_percent("x", 20) is None
    plain = rules.cause_of("lesson.completed", {"lesson_id": 1, "user_id": "u"})
    assert rules.points_for(plain, 10) == 10


def test_badge_criteria():
    stats = rules.Stats(lessons_completed=3, courses_completed=frozenset({7}), total_points=150,
                        graded_percents=(90, 80, 70))
    assert rules.earned(rules.Criteria("lessons_completed", 3), stats)
    assert not rules.earned(rules.Criteria("lessons_completed", 4), stats)
    assert rules.earned(rules.Criteria("courses_completed", 1), stats)
    assert rules.earned(rules.Criteria("course_completed", course_id=7), stats)
    assert not rules.earned(rules.Criteria("course_completed", course_id=8), stats)
    assert not rules.earned(rules.Criteria("course_completed"), stats)
    assert rules.earned(rules.Criteria("points_total", 150), stats)
    assert rules.earned(rules.Criteria("assignments_graded", 2, min_grade_percent=80), stats)
    assert not rules.earned(rules.Criteria("assignments_graded", 3, min_grade_percent=80), stats)
    assert not rules.earned(rules.Criteria("manual"), stats)


def test_competition_ranks_share_ties():
    assert rules.competition_ranks([50, 40, 40, 30, 30, 30, 10]) == [1, 2, 2, 4, 4, 4, 7]
    assert rules.competition_ranks([]) == []
    assert rules.competition_ranks([5, 5]) == [1, 1]
