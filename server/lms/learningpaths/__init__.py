"""Learning paths: ordered sequences of courses and each learner's progress along them."""
