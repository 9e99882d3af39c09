"""Error records keep their frames and lose the exception messages."""
from __future__ import annotations

import logging

from bot.privacy.log_scrub import WITHHELD, WithholdExceptionMessages


def test_a_logged_traceback_keeps_the_frames_and_withholds_the_messages():
    records: list[str] = []
    said = ["ring meg på 98765432", "jeg bor i Bergen"]  # data, not in the source lines of the frames

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Collect()
    handler.addFilter(WithholdExceptionMessages())
    logger = logging.getLogger("tests.log_scrub")
    logger.addHandler(handler)
    try:
        try:
            try:
                raise ValueError(f"tracker: {said[0]}")
            except ValueError as inner:
                raise RuntimeError(f"body={{'text': '{said[1]}'}}") from inner
        except RuntimeError:
            logger.exception("Action failed")
    finally:
        logger.removeHandler(handler)
    [text] = records
    assert "98765432" not in text and "Bergen" not in text
    assert text.startswith("Action failed")
    assert f"ValueError: {WITHHELD}" in text and f"RuntimeError: {WITHHELD}" in text
    assert "test_a_logged_traceback_keeps_the_frames" in text  # the frame is still there
