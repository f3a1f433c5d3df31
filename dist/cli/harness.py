"""The smoke test ml-container-action runs inside the built image, offline, as the image's own user.

Run as `python -c <this file> <json>`. It imports each framework and checks its version against the
lock, loads every model artifact with its loader and predicts once where the input shape is knowable,
then runs the user's smoke command. It prints one JSON result after MARKER; any check that did not run
says why, so nothing is reported as passed that was not tried.
"""
import importlib
import json
import resource
import shlex
import subprocess
import sys
import time
import traceback

MARKER = "ML_CONTAINER_SMOKE_RESULT "
request = json.loads(sys.argv[1])
checks = []


def check(kind, name, fn):
    started = time.perf_counter()
    entry = {"kind": kind, "name": name}
    try:
        detail = fn() or {}
        entry.update(status="passed", **detail)
    except SkipCheck as skip:
        entry.update(status="skipped", reason=str(skip))
    except BaseException as error:  # a model loader can raise anything, SystemExit included
        entry.update(status="failed", error=f"{type(error).__name__}: {error}",
                     trace=traceback.format_exc(limit=4)[-1500:])
    entry["seconds"] = round(time.perf_counter() - started, 4)
    checks.append(entry)
    return entry


class SkipCheck(Exception):
    pass


def import_framework(framework):
    module = importlib.import_module(framework["import"])
    found = getattr(module, "__version__", None)
    expected = framework.get("version")
    if expected and found and found.split("+")[0] != expected.split("+")[0]:
        raise AssertionError(f"{framework['name']} {found} is installed but the lock says {expected}")
    return {"version": found}


def zero_input(model):
    import numpy
    features = getattr(model, "n_features_in_", None)
    if features is None:
        raise SkipCheck("the model does not say how many features it takes (no n_features_in_)")
    return numpy.zeros((1, int(features)))


def load_joblib(path):
    import joblib
    model = joblib.load(path)
    detail = {"type": f"{type(model).__module__}.{type(model).__name__}"}
    if hasattr(model, "predict"):
        started = time.perf_counter()
        prediction = model.predict(zero_input(model))
        detail["first_prediction_seconds"] = round(time.perf_counter() - started, 4)
        detail["prediction"] = repr(prediction.tolist() if hasattr(prediction, "tolist") else prediction)[:200]
    return detail


def load_onnx(path):
    import numpy
    import onnxruntime
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    first = session.get_inputs()[0]
    if any(not isinstance(dim, int) for dim in first.shape[1:]):
        raise SkipCheck(f"input {first.name} has a symbolic shape {first.shape}")
    shape = [1] + [int(dim) for dim in first.shape[1:]]
    dtype = {"tensor(float)": numpy.float32, "tensor(double)": numpy.float64,
             "tensor(int64)": numpy.int64}.get(first.type, numpy.float32)
    started = time.perf_counter()
    session.run(None, {first.name: numpy.zeros(shape, dtype=dtype)})
    return {"first_prediction_seconds": round(time.perf_counter() - started, 4), "input_shape": shape}


LOADERS = {"joblib": load_joblib, "pickle": load_joblib, "onnx": load_onnx}


def load_model(model):
    loader = LOADERS.get(model["format"])
    if loader is None:
        raise SkipCheck(f"no loader for {model['format']} models yet")
    return loader(model["path"])


def run_command(command):
    completed = subprocess.run(shlex.split(command), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, timeout=request.get("commandTimeout"))
    if completed.returncode != 0:
        raise AssertionError(f"exited {completed.returncode}: {completed.stdout[-1500:]}")
    return {"output": completed.stdout[-1500:]}


for framework in request["frameworks"]:
    check("import", framework["name"], lambda framework=framework: import_framework(framework))
for model in request["models"]:
    check("model", model["path"], lambda model=model: load_model(model))
if request.get("command"):
    check("command", request["command"], lambda: run_command(request["command"]))

peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(MARKER + json.dumps({
    "passed": all(entry["status"] != "failed" for entry in checks),
    "checks": checks,
    "python": sys.version.split()[0],
    "peak_memory_bytes": peak_kib * 1024,
}))
