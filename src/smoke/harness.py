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


def load_torch(path):
    import torch
    try:
        module = torch.jit.load(path, map_location="cpu")
        return {"type": "TorchScript", "detail": "loaded; its input shape is not recorded, so no prediction"}
    except RuntimeError:
        state = torch.load(path, map_location="cpu", weights_only=True)
        return {"type": type(state).__name__, "detail": f"loaded {len(state) if hasattr(state, '__len__') else 1} entries"}


def load_safetensors(path):
    from safetensors import safe_open
    with safe_open(path, framework="numpy") as handle:
        return {"detail": f"{len(list(handle.keys()))} tensors"}


def zeros_for(shape, what):
    """A batch of one zero input; any other unknown dimension means the input shape is not knowable."""
    import numpy
    dims = list(shape)
    if not dims:
        raise SkipCheck(f"{what} has no input shape")
    dims[0] = 1 if dims[0] is None else dims[0]
    if any(dim is None for dim in dims[1:]):
        raise SkipCheck(f"{what} has an input of unknown shape {tuple(shape)}, so no prediction")
    return numpy.zeros([int(dim) for dim in dims], dtype="float32")


def timed_prediction(predict, detail):
    started = time.perf_counter()
    output = predict()
    detail["first_prediction_seconds"] = round(time.perf_counter() - started, 4)
    shape = getattr(output, "shape", None)
    if shape is not None:
        detail["output_shape"] = [int(dim) for dim in shape]
    return detail


def load_keras(path):
    import keras
    model = keras.saving.load_model(path, compile=False)
    detail = {"type": f"keras {type(model).__name__}"}
    try:
        inputs = list(model.inputs or [])
    except Exception:  # a subclassed model that was never called has no symbolic inputs
        inputs = []
    if len(inputs) != 1:
        detail["detail"] = f"loaded; {len(inputs)} inputs, so no prediction"
        return detail
    batch = zeros_for(inputs[0].shape, "the Keras model")
    return timed_prediction(lambda: model.predict(batch, verbose=0), detail)


def load_h5(path):
    import h5py
    with h5py.File(path, "r") as handle:
        is_keras = "model_config" in handle.attrs
    if not is_keras:
        raise SkipCheck("an HDF5 file with no Keras model_config: data, not a model the harness can load")
    return load_keras(path)


def load_savedmodel(path):
    import tensorflow
    loaded = tensorflow.saved_model.load(path)
    signature = getattr(loaded, "signatures", {}).get("serving_default")
    if signature is None:
        return {"detail": "loaded; no serving_default signature, so no prediction"}
    specs = signature.structured_input_signature[1]
    inputs = {}
    for name, spec in specs.items():
        batch = zeros_for(spec.shape.as_list(), f"input {name}")
        inputs[name] = tensorflow.zeros(batch.shape, dtype=spec.dtype)
    detail = {"type": "SavedModel serving_default", "input_shape": {n: list(t.shape) for n, t in inputs.items()}}
    return timed_prediction(lambda: signature(**inputs), detail)


def load_xgboost(path):
    import numpy
    import xgboost
    booster = xgboost.Booster(model_file=path)
    batch = xgboost.DMatrix(numpy.zeros((1, booster.num_features())))
    return timed_prediction(lambda: booster.predict(batch), {"type": "xgboost Booster"})


def load_lightgbm(path):
    import numpy
    import lightgbm
    booster = lightgbm.Booster(model_file=path)
    batch = numpy.zeros((1, booster.num_feature()))
    return timed_prediction(lambda: booster.predict(batch), {"type": "lightgbm Booster"})


def load_huggingface(path):
    import os
    config_path = os.path.join(path, "config.json")
    with open(config_path) as handle:
        config = json.load(handle)
    if config.get("auto_map"):
        raise SkipCheck("the model's code ships with it (auto_map): loading it needs trust_remote_code, not run here")
    try:
        import transformers
    except ImportError:
        raise SkipCheck("transformers is not installed: the folder is read by the project's own code")
    model = transformers.AutoModel.from_pretrained(path, local_files_only=True)
    detail = {"type": f"transformers {type(model).__name__}"}
    dummy = getattr(model, "dummy_inputs", None)
    if not dummy:
        detail["detail"] = "loaded; the model gives no dummy input, so no prediction"
        return detail
    import torch
    with torch.no_grad():
        timed_prediction(lambda: model(**dummy), detail)
    detail["input_shape"] = {name: list(value.shape) for name, value in dummy.items()}
    return detail


LOADERS = {"joblib": load_joblib, "pickle": load_joblib, "onnx": load_onnx, "torch": load_torch,
           "safetensors": load_safetensors, "keras": load_keras, "h5": load_h5, "savedmodel": load_savedmodel,
           "xgboost": load_xgboost, "lightgbm": load_lightgbm, "huggingface": load_huggingface}


def load_model(model):
    loader = LOADERS.get(model["format"])
    if loader is None:
        raise SkipCheck(f"no loader for {model['format']} models yet")
    return loader(model["path"])


def run_command(command):
    # stderr apart from stdout: warnings a library logs must not break the comparison with smoke-expected.
    completed = subprocess.run(shlex.split(command), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, timeout=request.get("commandTimeout"))
    if completed.returncode != 0:
        raise AssertionError(f"exited {completed.returncode}: {(completed.stdout + completed.stderr)[-1500:]}")
    return {"output": completed.stdout[-1500:], "stdout": completed.stdout[: 1 << 20]}


def same_cuda(found, expected):
    """12.1 matches 12.1 and 12; a major-only plan (12) matches any 12.x."""
    found_parts, expected_parts = str(found).split("."), str(expected).split(".")
    return found_parts[: len(expected_parts)] == expected_parts[: len(found_parts)]


def cuda_build(framework):
    """The CUDA a framework was built for, checked against the plan: the CPU-side half of a GPU check."""
    expected = request["gpu"]["cuda"]
    if framework["name"] == "torch":
        import torch
        found = torch.version.cuda
    elif framework["name"] in ("tensorflow", "tensorflow-gpu"):
        import tensorflow
        found = tensorflow.sysconfig.get_build_info().get("cuda_version")
    else:
        raise SkipCheck(f"no CUDA build check for {framework['name']}")
    if found is None:
        raise AssertionError(f"{framework['name']} is a CPU-only build, but the plan needs CUDA {expected}")
    if expected and not same_cuda(found, expected):
        raise AssertionError(f"{framework['name']} is built for CUDA {found}, but the plan needs CUDA {expected}")
    return {"version": f"CUDA {found}"}


def cuda_libraries():
    """The CUDA runtime libraries the image ships (as nvidia-* wheels or from the base) load."""
    import ctypes
    import glob
    import site
    roots = site.getsitepackages() + ["/usr/local/cuda/lib64", "/usr/lib/x86_64-linux-gnu"]
    loaded = []
    for pattern in ("libcudart.so*", "libcublas.so*"):
        paths = sorted(path for root in roots for path in glob.glob(f"{root}/**/{pattern}", recursive=True))
        if not paths:
            raise AssertionError(f"no {pattern} in the image")
        ctypes.CDLL(paths[0])
        loaded.append(paths[0].rsplit("/", 1)[-1])
    return {"detail": ", ".join(loaded)}


def device_check():
    import os
    if not os.path.exists("/dev/nvidiactl"):
        raise SkipCheck("device check skipped: no GPU")
    import torch
    value = (torch.ones(2, 2, device="cuda") @ torch.ones(2, 2, device="cuda")).sum().item()
    if value != 8.0:
        raise AssertionError(f"a 2x2 matrix product on the GPU gave {value}, not 8")
    return {"detail": torch.cuda.get_device_name(0)}


for framework in request["frameworks"]:
    check("import", framework["name"], lambda framework=framework: import_framework(framework))
if request.get("gpu"):
    for framework in request["frameworks"]:
        if framework["name"] in ("torch", "tensorflow", "tensorflow-gpu"):
            check("cuda", framework["name"], lambda framework=framework: cuda_build(framework))
    if request["gpu"].get("strategy") == "pip-cuda":
        check("cuda", "libraries", cuda_libraries)
    check("gpu", "device", device_check)
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
