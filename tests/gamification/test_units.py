

def test_top_lists_are_kept_a_second_per_tenant_scope_and_limit_and_forgotten_per_tenant(monkeypatch):
    from lms.gamification import tops

    clock = [1000.0]
    monkeypatch.setattr(tops.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(tops, "_lists", tops.collections.OrderedDict())
    tops.put("t1", 0, 10, [("u1", 50)])
    tops.put("t2", 0, 10, [("u9", 70)])
    assert tops.get("t1", 0, 10) == [("u1", 50)]
    assert tops.get("t1", 0, 100) is None and tops.get("t1", 7, 10) is None  # another limit, another scope
    clock[0] += tops.TOP_SECONDS
    assert tops.get("t1", 0, 10) is None  # expired
    tops.put("t1", 0, 10, [("u1", 60)])
    tops.forget("t1")
    assert tops.get("t1", 0, 10) is None
    clock[0] -= tops.TOP_SECONDS  # ("t2" was stored at 1000.0: still young at this clock)
    assert tops.get("t2", 0, 10) == [("u9", 70)]  # other tenants keep theirs
    monkeypatch.setattr(tops, "KEPT", 2)
    for scope in range(3):
        tops.put("t3", scope, 10, [])
    assert tops.get("t2", 0, 10) is None and tops.get("t3", 2, 10) == []  # the oldest stored went first
