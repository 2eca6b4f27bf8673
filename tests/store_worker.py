"""A separate process that uses a store, for the concurrency and crash tests (not a test itself).

    python store_worker.py open-create STORE ID START_AT   open (creating) at a set moment, save ID
    python store_worker.py update STORE ID WHO CHANGES     read the base version, print "ready",
                                                           wait for a line on stdin, then update
    python store_worker.py increment STORE ID WHO N START_AT   from START_AT on, N read-modify-write
                                                           increments of checklist.counter,
                                                           retrying on conflict
    python store_worker.py writer STORE LOG                write forever; after each commit append
                                                           "id version value" to LOG
"""

import json
import random
import sys
import time

from avgkit.assessment import Assessment
from avgkit.store import ConflictError, Store


def open_create(path, id, start_at):
    time.sleep(max(0.0, float(start_at) - time.time()))
    with Store(path) as store:
        store.create(Assessment(id=id), id)
    print("ok", flush=True)


def update(path, id, who, changes):
    with Store(path) as store:
        base = store.version(id)
        print("ready", flush=True)
        sys.stdin.readline()
        try:
            version = store.update(id, json.loads(changes), who, base_version=base)
        except ConflictError as exc:
            print(json.dumps({"conflict": exc.paths, "by": [c.who for c in exc.conflicts]}))
        else:
            print(json.dumps({"version": version}))


def increment(path, id, who, n, start_at):
    conflicts = 0
    with Store(path) as store:
        time.sleep(max(0.0, float(start_at) - time.time()))
        for i in range(int(n)):
            while True:
                assessment, base = store.get_with_version(id)
                counter = assessment.checklist.get("counter", 0)
                time.sleep(random.uniform(0, 0.003))  # think time: lets the other one in
                try:
                    store.update(id, {"checklist.counter": counter + 1,
                                      f"checklist.last_by_{who}": i}, who, base_version=base)
                    break
                except ConflictError:
                    conflicts += 1
    print(json.dumps({"conflicts": conflicts}))


def writer(path, log):
    with Store(path) as store, open(log, "a", buffering=1) as out:
        if not store.exists("KILL"):
            store.create(Assessment(id="KILL"), "writer")
        i = store.version("KILL")
        while True:
            i += 1
            if i % 20 == 0 and not store.exists(f"K-{i}"):
                store.create(Assessment(id=f"K-{i}", notes=f"c{i}"), "writer")
                out.write(f"K-{i} 1 c{i}\n")
            version = store.update("KILL", {"notes": f"n{i}", f"checklist.answers.m{i % 40}": {
                "status": "aanwezig", "note": f"n{i}"}}, "writer")
            out.write(f"KILL {version} n{i}\n")


if __name__ == "__main__":
    modes = {"open-create": open_create, "update": update, "increment": increment,
             "writer": writer}
    modes[sys.argv[1]](*sys.argv[2:])
