"""The recording state is per thread: no_grad() in one thread never switches recording off in
another, whatever the order in which threads enter and leave it."""

import threading
import time

from autograd_scalar import Value, collector_paused, detect_anomaly, is_grad_enabled, no_grad
from autograd_scalar.core.recording import is_anomaly_enabled


def test_two_threads_build_graphs_at_once_one_inside_no_grad() -> None:
    inside, outside = threading.Barrier(2), {}
    results: dict[str, object] = {}

    def recording_thread() -> None:
        inside.wait()  # the other thread is inside no_grad() now
        x = Value(3.0)
        y = x * x
        inside.wait()
        y.backward()
        results["recording"] = (x.grad, is_grad_enabled())

    def no_grad_thread() -> None:
        with no_grad():
            inside.wait()
            x = Value(3.0)
            y = x * x
            inside.wait()
            results["no_grad"] = (y.parents, is_grad_enabled())

    threads = [threading.Thread(target=recording_thread), threading.Thread(target=no_grad_thread)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results["recording"] == (6.0, True)
    assert results["no_grad"] == ((), False)
    assert outside == {} and is_grad_enabled()


def test_threads_leaving_no_grad_in_interleaved_order_leave_recording_on() -> None:
    entered, first_left = threading.Barrier(2), threading.Event()
    after: dict[str, bool] = {}

    def leaves_first() -> None:
        with no_grad():
            entered.wait()
        first_left.set()
        after["first"] = is_grad_enabled()

    def leaves_second() -> None:
        with no_grad():
            entered.wait()
            first_left.wait()
        after["second"] = is_grad_enabled()

    threads = [threading.Thread(target=leaves_first), threading.Thread(target=leaves_second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert after == {"first": True, "second": True} and is_grad_enabled()


def test_anomaly_mode_is_per_thread_too() -> None:
    seen: list[bool] = []
    with detect_anomaly():
        thread = threading.Thread(target=lambda: seen.append(is_anomaly_enabled()))
        thread.start()
        thread.join()
        assert is_anomaly_enabled()
    assert seen == [False] and not is_anomaly_enabled()


def test_collector_paused_restores_the_collector() -> None:
    import gc

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # it was off before, so it stays off
    finally:
        gc.enable()


def test_a_no_grad_object_can_be_used_again_and_nested() -> None:
    off = no_grad()
    with off:
        assert not is_grad_enabled()
    assert is_grad_enabled()
    with off:
        with off:
            assert not is_grad_enabled()
        assert not is_grad_enabled()
    assert is_grad_enabled()


def test_one_no_grad_object_entered_by_two_threads() -> None:
    shared = no_grad()
    second_inside, first_left, errors = threading.Event(), threading.Event(), []

    def first() -> None:
        try:
            with shared:
                second_inside.wait(timeout=5)
            assert is_grad_enabled()  # leaves first, while the other thread is inside
        except BaseException as error:  # noqa: BLE001  (reported below)
            errors.append(error)
        finally:
            first_left.set()

    def second() -> None:
        try:
            with shared:
                second_inside.set()
                first_left.wait(timeout=5)
                assert not is_grad_enabled()  # the other thread's exit changed nothing here
            assert is_grad_enabled()
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    time.sleep(0.05)  # the first thread is inside before the second enters
    threads[1].start()
    for t in threads:
        t.join()
    assert errors == []
    assert is_grad_enabled()


def test_no_grad_as_a_decorator() -> None:
    @no_grad()
    def infer(x: Value) -> Value:
        return x * 2

    y = infer(Value(3.0))
    assert y.data == 6.0 and y.parents == ()
    assert is_grad_enabled()
    assert infer(Value(1.0)).parents == ()  # the decorated function works every call
