"""What every lesson's exercise test asserts, in one place."""


def assert_mistakes(lesson, name, right, wrong: dict):
    """``right`` is accepted; each wrong answer is told its own mistake, with a distinct message."""
    assert lesson.check(name, right).correct, lesson.check(name, right).message
    messages = {}
    for mistake, answer in wrong.items():
        result = lesson.check(name, answer)
        assert (result.correct, result.mistake) == (False, mistake), (mistake, result.message)
        messages[mistake] = result.message
    assert len(set(messages.values())) == len(messages)
    return messages
