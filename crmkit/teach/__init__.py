"""Exercises and checks, student editions, per-student assignments and grading."""
