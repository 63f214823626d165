"""What the live plots draw from: decimation to the plot's width, and y ranges held while a run draws."""

import numpy as np
from spikestudio.gui.plots.live_common import HELD_FILL, kept_range, peak_decimated, since


def test_a_decimated_trace_keeps_every_columns_extremes_and_the_newest_sample():
    t = np.arange(10_003) * 0.1
    v = np.sin(t) - 60.0
    v[5_000] = 30.0  # one spike, one sample wide
    x, y = peak_decimated(t, v, 400)
    assert y.size <= 2 * 400 + 25  # two points per column, plus the samples past the last whole column
    assert y.max() == 30.0 and y.min() == v.min()
    per = v.size // 400
    np.testing.assert_array_equal(y[0:800:2], v[: 400 * per].reshape(400, per).min(axis=1))
    np.testing.assert_array_equal(y[1:800:2], v[: 400 * per].reshape(400, per).max(axis=1))
    assert (x[-1], y[-1]) == (t[-1], v[-1]) and np.all(np.diff(x) >= 0)


def test_a_short_trace_is_drawn_as_it_is():
    t, v = np.arange(500.0), np.arange(500.0)
    x, y = peak_decimated(t, v, 400)
    assert x is t and y is v


def test_samples_since_a_time_are_views_from_the_first_at_or_after_it():
    t, v = np.arange(10.0), np.arange(10.0) * 2
    s, w = since(t, 3.5, v)
    np.testing.assert_array_equal(s, [4, 5, 6, 7, 8, 9])
    np.testing.assert_array_equal(w, [8, 10, 12, 14, 16, 18])
    assert s.base is t


def test_the_y_range_is_kept_while_running_and_the_data_fit_and_fill_it():
    shown = (-70.0, -50.0)
    assert kept_range(shown, (-68.0, -52.0), running=True) is None
    assert kept_range(shown, (-68.0, -52.0), running=False) == (-68.0, -52.0)  # stopped: framed exactly
    assert kept_range(shown, (-72.0, -52.0), running=True) == (-72.0, -52.0)  # the data left the range
    narrow = (-60.0, -60.0 + 20.0 * HELD_FILL * 0.9)
    assert kept_range(shown, narrow, running=True) == narrow  # too much of the range empty
