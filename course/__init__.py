"""The course around the kit: a 14-week plan, an instructor page per lesson and the website.

``course/plan.yaml`` maps each week to its lessons, case, lab, assignment and learning
outcomes; ``course/lessons.yaml`` holds each lesson's instructor notes (timing of a 75-minute
session, when to show which explorer, discussion prompts with model answers).
:mod:`course.pages` renders both to Markdown, adding the common mistakes that the lessons'
exercises diagnose (read from their code, so the pages stay in step with it);
:mod:`course.book` builds the static site (``make book``, ``make book-instructor``).
"""
