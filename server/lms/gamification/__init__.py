"""Badges, points and leaderboards: rewards for what learners do, awarded from the events the domains record."""
