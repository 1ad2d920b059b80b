"""fx.tensor.cuda and fx.tensor.backends on a machine without fx's CUDA backend: PyTorch's CPU-build answers."""

import pytest

import fx.tensor as ft


def test_device_selection_idiom_ports():
    device = ft.device("cuda" if ft.cuda.is_available() else "cpu")
    assert ft.cuda.is_available() is False
    assert ft.cuda.device_count() == 0
    assert ft.ones(3, device=device).device == ft.device("cpu")
    assert ft.cuda.is_initialized() is False


def test_seeding_is_accepted_and_leaves_the_cpu_generator_alone():
    ft.manual_seed(3)
    expected = ft.rand(4).tolist()
    ft.manual_seed(3)
    ft.cuda.manual_seed(0)
    ft.cuda.manual_seed_all(1)
    ft.cuda.seed()
    ft.cuda.seed_all()
    ft.cuda.empty_cache()
    assert ft.rand(4).tolist() == expected


def test_seed_type_is_checked():
    with pytest.raises(TypeError, match="seed must be an int"):
        ft.cuda.manual_seed("0")
    with pytest.raises(TypeError, match="seed must be an int"):
        ft.cuda.manual_seed_all(1.5)


@pytest.mark.parametrize("call", [
    lambda: ft.cuda.synchronize(), lambda: ft.cuda.current_device(), lambda: ft.cuda.set_device(0),
    lambda: ft.cuda.get_device_name(0), lambda: ft.cuda.memory_allocated(), lambda: ft.cuda.memory_reserved(),
])
def test_calls_that_need_a_gpu_say_so(call):
    with pytest.raises(RuntimeError, match="CUDA backend is not available.*is_available"):
        call()


def test_tensors_cannot_reach_cuda_and_nothing_changes():
    x = ft.arange(3.0)
    with pytest.raises(RuntimeError, match="CUDA backend is not available"):
        x.to("cuda")
    with pytest.raises(RuntimeError, match="CUDA backend is not available"):
        ft.zeros(2, device="cuda:0")
    assert x.tolist() == [0.0, 1.0, 2.0] and x.device == ft.device("cpu")


def test_backend_flags_read_back_what_programs_set():
    before = ft.backends.cudnn.benchmark
    try:
        ft.backends.cudnn.benchmark = True
        ft.backends.cudnn.deterministic = True
        assert ft.backends.cudnn.benchmark is True and ft.backends.cudnn.deterministic is True
    finally:
        ft.backends.cudnn.benchmark = before
        ft.backends.cudnn.deterministic = False
    ft.backends.cuda.matmul.allow_tf32 = False
    assert ft.backends.cudnn.is_available() is False
    assert ft.backends.mps.is_available() is False and ft.backends.mps.is_built() is False
    assert ft.backends.cuda.is_built() is False


def test_unknown_backend_setting_is_an_error():
    with pytest.raises(AttributeError, match="backends.cudnn has no setting 'benchmrak'"):
        ft.backends.cudnn.benchmrak = True
    assert not hasattr(ft.backends.cudnn, "benchmrak")


def test_answers_match_a_cpu_build_of_pytorch():
    torch = pytest.importorskip("torch")
    assert ft.cuda.is_available() is torch.cuda.is_available()
    assert ft.cuda.device_count() == torch.cuda.device_count()
    assert ft.backends.cudnn.is_available() is torch.backends.cudnn.is_available()
    assert ft.backends.mps.is_available() is torch.backends.mps.is_available()
