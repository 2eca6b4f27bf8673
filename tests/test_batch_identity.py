"""The batch's shortcuts change nothing: a warm kernel and a Dask cluster give the very same
reports as an isolated papermill run (a fresh kernel per notebook)."""

from __future__ import annotations

import dataclasses
import json

import pytest
from conftest import ROOT

from avgkit.batch import _pool_map, run_batch
from avgkit.batch.files import safe_name
from avgkit.batch.runner import Job

EXAMPLE = ROOT / "data" / "voorbeeld-portefeuille.csv"


@pytest.fixture(scope="module")
def warm_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("warm")
    outcome = run_batch(EXAMPLE, out, workers=2, progress=False)
    assert not outcome.failed
    return out, outcome


def test_every_warm_kernel_report_equals_an_isolated_run(warm_run, tmp_path):
    out, outcome = warm_run
    jobs = []
    for ident in outcome.ran:
        record = json.loads((out / f"{safe_name(ident)}.json").read_text())
        jobs.append(Job(id=ident, name=safe_name(ident),
                        store_path=str(out / "_avgkit" / "portefeuille.sqlite"),
                        out_dir=str(tmp_path), lang="nl", input_hash=record["input_hash"],
                        with_checklist=bool(record["summary"]["security"]),
                        notebooks_dir=str(ROOT / "notebooks"), isolated=True))
    records = []
    _pool_map(jobs, 2, records.append)
    assert {r["status"] for r in records} == {"ok"}
    assert len(records) == len(outcome.ran) >= 25
    for job in jobs:
        warm = (out / f"{job.name}.html").read_text()
        isolated = (tmp_path / f"{job.name}.html").read_text()
        assert warm == isolated, job.id


def test_dask_cluster_gives_the_same_reports(warm_run):
    distributed = pytest.importorskip("dask.distributed")
    out, outcome = warm_run
    ids = sorted(outcome.ran)[:4]
    before = {i: (out / f"{safe_name(i)}.html").read_text() for i in ids}
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        again = run_batch(EXAMPLE, out, only=ids, force=True, progress=False,
                          scheduler=cluster.scheduler_address)
    assert sorted(again.ran) == ids and not again.failed
    for i in ids:
        assert (out / f"{safe_name(i)}.html").read_text() == before[i]


def test_job_carries_identifiers_and_paths_only():
    fields = {f.name for f in dataclasses.fields(Job)}
    assert fields == {"id", "name", "store_path", "out_dir", "lang", "input_hash",
                      "with_checklist", "notebooks_dir", "isolated", "measures"}
