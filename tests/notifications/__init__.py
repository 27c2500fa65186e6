"""Tests of the notifications package. The runner of who is told lives in a helper module: pytest rewrites its asserts
too, so that a comparison that fails explains itself as a test's own does."""

import pytest

pytest.register_assert_rewrite("tests.notifications.told")
