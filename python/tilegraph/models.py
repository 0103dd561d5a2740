"""The model scopes (models/: DeepSeek V3.2 decode scope 1, V4 QKV projection + RoPE, V4
sliding-window attention) from Python, with the precision report as data.

    r = tg.models.run("v32-decode-scope1", config="small", seed=1, dump="out/")
    r.report.passed, r.report.first_diverging_stage, r.report.stages[0].local[0].max_abs_err
"""
from ._tilegraph import HostExecutor, SimExecutor
from ._tilegraph import _models

ModelRun = _models.ModelRun
PrecisionReport = _models.PrecisionReport
StageCheck = _models.StageCheck
TensorStats = _models.TensorStats


def names():
    """The models tg.models.run knows."""
    return _models.names()


def describe(name):
    """name, summary, configs and plantable bugs of a model."""
    return _models.describe(name)


def build(name, config="full", **options):
    """A ModelRun: the model's graph with its tensors allocated and bound (no inputs yet).
    options: batch, preset, mode, plant_bug, lint (as `tilegraph run`)."""
    return ModelRun(name, config=config, **options)


class ModelResult:
    """What tg.models.run gives back."""

    def __init__(self, run, report, host, sim=None, sim_report=None):
        self.run = run                # the ModelRun (tensors: run.tensor(name))
        self.graph = run.graph
        self.report = report          # PrecisionReport of the host run
        self.host = host              # RunResult of the host run
        self.sim = sim                # RunResult of the simulated (functional) run, or None
        self.sim_report = sim_report  # its PrecisionReport, or None

    @property
    def passed(self):
        return self.report.passed and (self.sim_report is None or self.sim_report.passed)

    def _repr_html_(self):
        return (self.sim or self.host)._repr_html_()


def run(name, seed=1, config="full", dump=None, inputs=None, threads=0, machine=None, strategy="fifo",
        force=False, **options):
    """Builds model `name`, fills its inputs from `seed` (or reads inputs/ of the dump folder
    `inputs`), runs it on the host, checks it against its golden and, with `dump`, writes
    inputs/, staging/, outputs/ and manifest.json there (as `tilegraph run --dump`). With
    `machine` ('a2a3', ...) it is also simulated (functionally) with `strategy` and checked
    again."""
    model = build(name, config=config, **options)
    if inputs is not None:
        model.load_inputs(str(inputs))
    else:
        model.generate_inputs(seed)
    model.validate_inputs()
    host = model.run(HostExecutor(threads))
    report = model.check()
    if dump is not None:
        model.dump(str(dump), seed=None if inputs is not None else seed, force=force)
    sim = sim_report = None
    if machine is not None:
        sim = model.run(SimExecutor(machine, strategy=strategy, functional_threads=threads))
        sim_report = model.check()
    return ModelResult(model, report, host, sim, sim_report)
