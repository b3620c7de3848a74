"""Pickling, sharing one Policy between threads, and GIL release in evaluate_many."""

import concurrent.futures
import multiprocessing
import pickle
import threading
import time

import latticepol
from latticepol import Decision

from conftest import BLUE, SIGNED_BLUE_PRINCIPAL


def _requests():
    out = []
    for account in ("111111111111", "222222222222", "999999999999"):
        for q in ("q=blue", "q=green", "q=blue&q=blue", "", "q=Blue"):
            for method in ("GET", "POST"):
                out.append(dict(BLUE, sourceVpcOwnerAccount=account, query=q, method=method))
    return out


def _signature(results):
    return [(r.decision, r.statement, tuple(r.uncertain)) for r in results]


def test_pickle_round_trip(policy):
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        clone = pickle.loads(pickle.dumps(policy, protocol=protocol))
        assert clone == policy and clone is not policy
        assert clone.sids == policy.sids
        assert _signature(clone.evaluate_many(_requests())) == _signature(policy.evaluate_many(_requests()))


def test_pickle_keeps_mode():
    lenient = latticepol.Policy.from_json(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*",'
        '"Resource":"*","Condition":{"StringEquals":{"vpc-lattice-svcs:requestmethod":"GET"}}}]}',
        lenient=True)
    clone = pickle.loads(pickle.dumps(lenient))
    assert clone.lenient and clone == lenient
    identity = latticepol.Policy.from_dict({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]}, identity=True)
    assert pickle.loads(pickle.dumps(identity)).identity


def test_requests_pickle(blue_request):
    req = latticepol.Request(blue_request, principal=SIGNED_BLUE_PRINCIPAL)
    clone = pickle.loads(pickle.dumps(req))
    assert clone == req and clone.signed


def _decide_in_worker(args):
    policy, request = args
    r = policy.evaluate(request)
    return r.decision.value, r.statement, r.uncertain


def test_policies_ship_to_worker_processes(policy):
    requests = _requests()
    ctx = multiprocessing.get_context("spawn")  # a fresh interpreter: the policy must unpickle
    with ctx.Pool(2) as pool:
        remote = pool.map(_decide_in_worker, [(policy, r) for r in requests])
    local = [_decide_in_worker((policy, r)) for r in requests]
    assert remote == local
    assert ("ALLOW", 0, []) in remote


def test_one_policy_shared_between_threads(policy):
    requests = _requests() * 20
    expected = _signature(policy.evaluate(r) for r in requests)
    explained = policy.evaluate(requests[0]).explain()

    def work(chunk):
        lo, hi = chunk
        single = _signature(policy.evaluate(r) for r in requests[lo:hi])
        batch = policy.evaluate_many(requests[lo:hi])
        assert _signature(batch) == single
        return single, batch[0].explain()

    chunks = [(i, min(i + 37, len(requests))) for i in range(0, len(requests), 37)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        parts = list(pool.map(work, chunks))
    got = [sig for single, _ in parts for sig in single]
    assert got == expected
    assert parts[0][1] == explained
    decisions = {d for d, _, _ in got}
    assert decisions == {Decision.ALLOW, Decision.IMPLICIT_DENY}


# ---- GIL release ------------------------------------------------------------------


def _count_during(fn):
    """Runs fn() in this thread while another Python thread increments a
    counter; returns (increments during fn, seconds fn took)."""
    counter = [0]
    running = [True]
    started = threading.Event()

    def spin():
        started.set()
        while running[0]:
            counter[0] += 1

    thread = threading.Thread(target=spin)
    thread.start()
    started.wait()
    time.sleep(0.01)
    before = counter[0]
    t0 = time.perf_counter()
    result = fn()  # kept alive: freeing it is not part of the measurement
    elapsed = time.perf_counter() - t0
    during = counter[0] - before
    running[0] = False
    thread.join()
    del result
    return during, elapsed


def _spin_rate():
    """Counter increments per second when the spinning thread has the GIL to itself."""
    counter = [0]
    running = [True]

    def spin():
        while running[0]:
            counter[0] += 1

    thread = threading.Thread(target=spin)
    thread.start()
    time.sleep(0.2)
    running[0] = False
    thread.join()
    return counter[0] / 0.2


def test_evaluate_many_releases_the_gil(policy):
    # A repeated query key makes every request "maybe uncertain", so each one
    # also runs the reference evaluator: a long C++ batch per Python call.
    request = latticepol.Request(query="q=blue&q=blue", source_vpc_owner_account="111111111111")
    cores = [request._core]
    # Grow the batch until one call holding the GIL takes >= 0.4 s, i.e. many
    # switch intervals (5 ms): a thread that cannot get the GIL cannot count,
    # except for the few switches when the call starts and returns.
    while True:
        _, elapsed = _count_during(lambda: policy._core.evaluate_many(cores, False))
        if elapsed >= 0.4 or len(cores) >= 1 << 22:
            break
        cores = cores * 2
    assert elapsed >= 0.4

    attempts = []
    for _ in range(3):  # the machine may be busy; a held GIL fails every attempt
        rate = _spin_rate()
        held, held_s = _count_during(lambda: policy._core.evaluate_many(cores, False))
        released, released_s = _count_during(lambda: policy._core.evaluate_many(cores, True))
        attempts.append((rate, held, held_s, released, released_s))
        # Control: holding the GIL, the counter barely moves (at most a switch
        # interval or two). Released, it keeps counting for a good part of
        # the batch, far more than in the control.
        if released > 5 * held and released > 0.2 * rate * released_s:
            break
    else:
        raise AssertionError("the counter did not advance during evaluate_many: "
                             "(rate, held, held_s, released, released_s) = %r" % attempts)
    # The public API releases it too, and the results are the same.
    results = policy.evaluate_many([request] * 1000)
    assert {(r.decision, tuple(r.uncertain)) for r in results} == {(Decision.IMPLICIT_DENY, ("Q2",))}
