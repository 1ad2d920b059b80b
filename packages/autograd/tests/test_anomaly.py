"""Anomaly detection: the flags and their context managers, NaN errors naming the op and the forward line."""

import inspect
import warnings

import pytest

import fx.autograd as ag
import fx.tensor as ft
from fx.autograd import _anomaly_state


@pytest.fixture(autouse=True)
def _restore_flags():
    prev = (_anomaly_state.enabled, _anomaly_state.check_nan)
    yield
    _anomaly_state.enabled, _anomaly_state.check_nan = prev


def _line_of(text):
    """The line number in this file of the first source line containing `text`."""
    lines, _ = inspect.getsourcelines(inspect.getmodule(_line_of))
    return 1 + next(i for i, ln in enumerate(lines) if text in ln and "_line_of" not in ln)


def test_flags_and_context_managers():
    assert not ag.is_anomaly_enabled() and ag.is_anomaly_check_nan_enabled()
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled. This mode will increase the runtime"):
        mode = ag.detect_anomaly(check_nan=False)
    assert not ag.is_anomaly_enabled()  # detect_anomaly acts on entry
    with mode:
        assert ag.is_anomaly_enabled() and not ag.is_anomaly_check_nan_enabled()
    assert not ag.is_anomaly_enabled() and ag.is_anomaly_check_nan_enabled()

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # set_detect_anomaly does not warn
        setter = ag.set_detect_anomaly(True)
        assert ag.is_anomaly_enabled()  # set_detect_anomaly acts on construction
        with setter:
            with ag.set_detect_anomaly(False):
                assert not ag.is_anomaly_enabled()
            assert ag.is_anomaly_enabled()
    assert not ag.is_anomaly_enabled()


def test_decorator():
    with pytest.warns(UserWarning, match="Anomaly Detection"):
        @ag.detect_anomaly()
        def f():
            return ag.is_anomaly_enabled()

    assert f() and not ag.is_anomaly_enabled()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's own divide-by-zero / invalid-value notes
def test_nan_in_backward_names_the_op_and_the_forward_line():
    x = ft.tensor([0.0, 1.0], requires_grad=True)
    with pytest.warns(UserWarning, match="Anomaly Detection"):
        mode = ag.detect_anomaly()
    with mode:
        y = (x.log() * 0).sum()  # FORWARD-LOG: log'(0) * 0 = inf * 0 = nan in LogBackward0
        with pytest.raises(RuntimeError, match="Function 'LogBackward0' returned nan values in its 0th output") as info:
            y.backward()
    msg = str(info.value)
    assert f'File "{__file__}", line {_line_of("FORWARD-LOG")}' in msg and "x.log() * 0" in msg


def test_nan_goes_unnoticed_without_anomaly_mode():
    x = ft.tensor([0.0, 1.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's "invalid value" from inf * 0
        (x.log() * 0).sum().backward()
    assert x.grad.isnan().tolist() == [True, False]


def test_check_nan_false_does_not_raise():
    x = ft.tensor([0.0, 1.0], requires_grad=True)
    with ag.set_detect_anomaly(True, check_nan=False), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        (x.log() * 0).sum().backward()
    assert x.grad.isnan().tolist() == [True, False]


def test_error_in_custom_backward_carries_forward_trace():
    class Boom(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            raise ValueError("boom")

    x = ft.ones(2, requires_grad=True)
    with ag.set_detect_anomaly(True):
        y = Boom.apply(x)  # FORWARD-BOOM
        with pytest.raises(ValueError, match="boom") as info:
            y.sum().backward()
    (note,) = info.value.__notes__
    assert note.startswith("Error detected in BoomBackward. Traceback of forward call that caused the error:")
    assert f'line {_line_of("FORWARD-BOOM")}' in note
    y = Boom.apply(x)
    with pytest.raises(ValueError, match="boom") as info:
        y.sum().backward()
    assert not getattr(info.value, "__notes__", None)  # no note when anomaly mode is off


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_nodes_made_before_enabling_have_no_trace():
    x = ft.tensor([0.0], requires_grad=True)
    y = (x.log() * 0).sum()
    with ag.set_detect_anomaly(True), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(RuntimeError, match="(?s)LogBackward0.*no forward trace"):
            y.backward()
