"""Benchmarks, each runnable by one command and printing its figures (`make bench` runs them all)."""
