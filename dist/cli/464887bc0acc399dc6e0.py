"""The smoke test ml-container-action runs inside the built image, offline, as the image's own user.

Run as `python -I -S -c <this file> <request json>`, with a nonce on standard input. It imports each
framework and checks its version against the lock, loads every model artifact with its loader and
predicts once where the input shape is knowable, then runs the user's smoke command. It prints one
JSON result after MARKER and the nonce; any check that did not run says why, so nothing is reported
as passed that was not tried.

A model is code (a pickle runs what it names), so this file plays two parts, to keep what model code
can reach away from the result:
- The supervisor, started by docker, imports the standard library only (-I -S: neither the project's
  folder nor site-packages is on its path) and never a framework or a model. It runs the checks in
  fresh children and takes their results from pipes only it reads; only it knows the nonce
  (node writes it on standard input, never in the command line or environment, which other processes
  can read), and only it prints the final line. It makes itself undumpable first, so processes of the
  same user, without capabilities, can neither read its memory nor open its standard output through
  /proc. Between children it ends whatever a child left running.
- A child (`--child FD,FD,...`) runs its checks in order and writes each one's result to a pipe of
  that check's own, closed as soon as it is written. The first child runs the framework imports
  (and the CUDA checks) and then the first model, which needs those frameworks imported anyway: a
  second child importing them again doubled the smoke test's time for the common one-model
  project. Every further model gets a child of its own, and so does a check whose shared child
  ended before it reported (another check's memory, a framework's crash), as every check had. Code
  a check runs can at most decide its own check and those after it in the same child (which it
  could anyway, the image being the project's: by loading as expected), never a result already
  written, nor the final line: a check that does not report, or reports garbage, fails.
- The supervisor keeps input 'smoke-timeout' for the checks and reports when they ran past it;
  node allows the after-script (the size listing) its own time on top.
"""
import importlib
import json
import math
import os
import resource
import shlex
import signal
import subprocess
import sys
import threading
import time
import traceback

MARKER = "ML_CONTAINER_SMOKE_RESULT "
PR_SET_DUMPABLE = 4
# A check's report is one small JSON object: anything longer is not one.
REPORT_LIMIT = 1 << 20
TAIL_BYTES = 1500
# The size listing of a large image is a few hundred KiB.
AFTER_OUTPUT_LIMIT = 16 << 20
CUDA_FRAMEWORKS = ("torch", "tensorflow", "tensorflow-gpu")
TIMED_OUT = "the smoke test ran past its time (input 'smoke-timeout')"
# Writable in the read-only container: cleared between checks so no check leaves anything for the next.
WRITABLE_FOLDERS = ("/tmp", "/dev/shm")


class SkipCheck(Exception):
    pass


def outcome(fn):
    """Runs one check's work: passed with its detail, skipped saying why, or failed with the error."""
    started = time.perf_counter()
    entry = {}
    try:
        detail = fn() or {}
        entry.update(status="passed", **detail)
    except SkipCheck as skip:
        entry.update(status="skipped", reason=str(skip))
    except BaseException as error:  # a model loader can raise anything, SystemExit included
        entry.update(status="failed", error=f"{type(error).__name__}: {error}",
                     trace=traceback.format_exc(limit=4)[-TAIL_BYTES:])
    entry["seconds"] = round(time.perf_counter() - started, 4)
    return entry


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


def same_cuda(found, expected):
    """12.1 matches 12.1 and 12; a major-only plan (12) matches any 12.x."""
    found_parts, expected_parts = str(found).split("."), str(expected).split(".")
    return found_parts[: len(expected_parts)] == expected_parts[: len(found_parts)]


def cuda_build(framework, expected):
    """The CUDA a framework was built for, checked against the plan: the CPU-side half of a GPU check."""
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


# The child: its checks, in order.

def run_child(report_fds):
    jobs = json.loads(sys.stdin.read())
    runners = {"import_framework": import_framework, "cuda_build": cuda_build, "cuda_libraries": cuda_libraries,
               "device_check": device_check, "load_model": load_model}
    for job, report_fd in zip(jobs, report_fds):
        runner = runners[job["run"]]
        report = json.dumps(outcome(lambda: runner(*job["arguments"])), default=repr)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        data = report.encode()
        while data:
            data = data[os.write(report_fd, data):]
        # Closed before the next check's code runs: nothing later can write to it, or reopen it
        # through /proc/self/fd to read the report back out before the supervisor has it.
        os.close(report_fd)
    # Reported: a framework's exit handlers that crash at teardown must not turn it into a failure.
    os._exit(0)


# The supervisor: the standard library only, and nothing the checks run.

def forbid_reading_memory():
    """Undumpable: /proc/<pid>/mem, maps, environ and fd/ of this process are closed to its own user."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE, 0) failed")


def read_nonce():
    nonce = sys.stdin.readline().strip()
    # No check may read what is left of node's input, nor inherit the pipe.
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    if len(nonce) < 32 or any(char not in "0123456789abcdef" for char in nonce):
        sys.exit("the smoke harness reads a nonce on standard input and found none")
    return nonce


def own_script():
    """This file's text, as given after -c, to start each child with."""
    arguments = getattr(sys, "orig_argv", None)  # Python 3.10 and later
    if arguments is None:
        with open("/proc/self/cmdline", "rb") as handle:
            arguments = [os.fsdecode(argument) for argument in handle.read().split(b"\0")]
    return arguments[arguments.index("-c") + 1]


def planned_checks(request):
    """The checks, grouped into the children that run them: the imports and CUDA checks with the first model."""
    frameworks = request["frameworks"]
    jobs = [{"kind": "import", "name": framework["name"], "run": "import_framework", "arguments": [framework]}
            for framework in frameworks]
    gpu = request.get("gpu")
    if gpu:
        jobs += [{"kind": "cuda", "name": framework["name"], "run": "cuda_build",
                  "arguments": [framework, gpu.get("cuda")]}
                 for framework in frameworks if framework["name"] in CUDA_FRAMEWORKS]
        if gpu.get("strategy") == "pip-cuda":
            jobs.append({"kind": "cuda", "name": "libraries", "run": "cuda_libraries", "arguments": []})
        jobs.append({"kind": "gpu", "name": "device", "run": "device_check", "arguments": []})
    models = [{"kind": "model", "name": model["path"], "run": "load_model", "arguments": [model]}
              for model in request["models"]]
    if models:
        jobs.append(models.pop(0))
    return ([jobs] if jobs else []) + [[model] for model in models]


def drain(pipe, keep, tail=False, forward=None):
    """Reads a pipe to its end in the background, keeping its first (or last) `keep` bytes."""
    kept = [b""]

    def read():
        nonlocal forward
        data = bytearray()
        while True:
            chunk = os.read(pipe.fileno(), 1 << 16)
            if not chunk:
                break
            if forward is not None:
                try:
                    forward.write(chunk)
                    forward.flush()
                except Exception:
                    forward = None
            if tail:
                data += chunk
                del data[:-keep]
            elif len(data) < keep:
                data += chunk[: keep - len(data)]
        kept[0] = bytes(data)
        pipe.close()

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread, kept


def run_isolated(script, jobs, deadline):
    """
    Checks in a fresh child, each one's result taken from a pipe of its own that only the supervisor
    reads. Returns the entries of the checks it settled, the jobs left to run in a fresh child, and
    whether the smoke test's time ran out.
    """
    started = time.perf_counter()
    pipes = [os.pipe() for _ in jobs]
    try:
        child = subprocess.Popen([sys.executable, "-c", script, "--child", ",".join(str(w) for _, w in pipes)],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 pass_fds=tuple(w for _, w in pipes), start_new_session=True)
    finally:
        for _, write in pipes:
            os.close(write)
    reports = [drain(os.fdopen(read, "rb"), REPORT_LIMIT + 1) for read, _ in pipes]
    # The child's output goes to stderr, never stdout, which carries the result alone.
    output_reader, output = drain(child.stdout, TAIL_BYTES, tail=True, forward=sys.stderr.buffer)
    try:
        child.stdin.write(json.dumps(jobs).encode())
        child.stdin.close()
    except OSError:
        pass  # it died before reading its jobs: its exit status says how
    try:
        child.wait(timeout=max(0.0, deadline - time.monotonic()))
        timed_out = False
    except subprocess.TimeoutExpired:
        timed_out = True
    end_leftovers(child.pid)
    child.wait()
    for reader, _ in reports:
        reader.join(5)
    output_reader.join(5)
    unaccounted = time.perf_counter() - started
    entries = []
    for index, job in enumerate(jobs):
        reported = parsed_report(reports[index][1][0])
        if reported is None and index > 0 and not timed_out:
            # The child ended (or its report is garbage) at a check that shared it: that check gets
            # a fresh child of its own, as every check had before, so another check's memory or a
            # framework's crash is not held against it.
            return entries, jobs[index:], False
        accepted = reported or ({"status": "failed", "error": TIMED_OUT} if timed_out
                                else missing_report(reports[index][1][0], child.returncode,
                                                    output[0].decode("utf-8", "replace")))
        entry = {"kind": job["kind"], "name": job["name"]}
        entry.update((key, value) for key, value in accepted.items() if key not in ("kind", "name", "seconds"))
        # A check is charged its own time, which it reports; one that did not report, what no
        # reported check accounts for.
        seconds = accepted.get("seconds")
        if type(seconds) not in (int, float) or not 0 <= seconds <= unaccounted:
            seconds = unaccounted
        unaccounted -= seconds
        entry["seconds"] = round(seconds, 4)
        entries.append(entry)
        if reported is None:
            # This check ended the child (a framework that crashes on import, say): the checks after
            # it are not its, and run again in a fresh child.
            return entries, ([] if timed_out else jobs[index + 1:]), timed_out
    return entries, [], timed_out


def parsed_report(data):
    """A check's one JSON result, or None. Numbers must be finite: the result line is JSON for node."""
    def finite(text):
        number = float(text)
        if not math.isfinite(number):
            raise ValueError(text)
        return number

    def refuse(constant):
        raise ValueError(constant)

    try:
        report = (json.loads(data.decode("utf-8"), parse_float=finite, parse_constant=refuse)
                  if 0 < len(data) <= REPORT_LIMIT else None)
    except ValueError:
        return None
    if isinstance(report, dict) and report.get("status") in ("passed", "failed", "skipped"):
        return report
    return None


def missing_report(data, returncode, output_tail):
    """The failure of a check whose child gave no result for it, saying why."""
    if data:
        error = "the check's report is not one JSON result: did the code it ran write to the harness's pipe?"
    elif returncode == 0:
        error = "the check did not report: model code exited the harness?"
    elif returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        hint = ": over the memory limit?" if returncode == -signal.SIGKILL else ""
        error = f"the check did not report: killed by {name}{hint}"
    else:
        error = f"the check did not report: exited with status {returncode}"
    return {"status": "failed", "error": error, "trace": output_tail}


def end_leftovers(group):
    """Ends what a check left running, so nothing it started can tamper with a later check."""
    if group is not None:
        try:
            os.killpg(group, signal.SIGKILL)
        except OSError:
            pass
    if os.getpid() != 1:
        return
    # PID 1 of the container: every other process in it is a leftover, whatever session it moved to.
    for _ in range(100):
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            break
        try:
            while True:
                os.waitpid(-1, 0)
        except ChildProcessError:
            pass
    clear_writable_folders()


def clear_writable_folders():
    import shutil
    for folder in WRITABLE_FOLDERS:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            path = os.path.join(folder, name)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                try:
                    os.unlink(path)
                except OSError:
                    pass


def run_command(command, timeout):
    # stderr apart from stdout: warnings a library logs must not break the comparison with smoke-expected.
    process = subprocess.Popen(shlex.split(command), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, encoding="utf-8", errors="replace",
                               start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        # The whole group: a worker it started may hold the pipes open after the command is killed.
        end_leftovers(process.pid)
        process.communicate()
        raise
    end_leftovers(process.pid)
    if process.returncode != 0:
        raise AssertionError(f"exited {process.returncode}: {(stdout + stderr)[-TAIL_BYTES:]}")
    return {"output": stdout[-TAIL_BYTES:], "stdout": stdout[: 1 << 20]}


def run_after(after):
    """
    A standard-library script of ours (the size listing) run once every check is done, so it takes
    nothing from their timings, in the same container, which spares starting another. A child like
    the checks, isolated from the image's packages (-I -S); its output comes back in the result.
    """
    started = time.perf_counter()
    try:
        process = subprocess.Popen([sys.executable, "-I", "-S", "-c", after["script"], after["argument"]],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True)
        stdout_reader, stdout = drain(process.stdout, AFTER_OUTPUT_LIMIT + 1)
        stderr_reader, stderr = drain(process.stderr, TAIL_BYTES, tail=True)
    except Exception as error:  # the pids limit, say: the report goes without, the checks stand
        return {"exit_code": None, "timed_out": False, "stdout": "", "stderr": f"{type(error).__name__}: {error}",
                "seconds": round(time.perf_counter() - started, 4)}
    try:
        process.wait(timeout=after["timeout"])
        timed_out = False
    except subprocess.TimeoutExpired:
        timed_out = True
    end_leftovers(process.pid)
    process.wait()
    stdout_reader.join(5)
    stderr_reader.join(5)
    return {
        "exit_code": process.returncode,
        "timed_out": timed_out,
        # Cut at the limit, an output is not one JSON line any more, and the caller says so.
        "stdout": stdout[0][:AFTER_OUTPUT_LIMIT].decode("utf-8", "replace"),
        "stderr": stderr[0].decode("utf-8", "replace"),
        "seconds": round(time.perf_counter() - started, 4),
    }


def supervise(request_text):
    forbid_reading_memory()
    nonce = read_nonce()
    request = json.loads(request_text)
    # The checks' time (input 'smoke-timeout'), kept here: node waits longer, for the after-script.
    deadline = time.monotonic() + request["timeout"]
    script = own_script()
    checks = []
    timed_out = False
    for jobs in planned_checks(request):
        while jobs and not timed_out:
            entries, jobs, timed_out = run_isolated(script, jobs, deadline)
            checks += entries
    command = request.get("command")
    if command and not timed_out:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
        else:
            entry = outcome(lambda: run_command(command, min(request.get("commandTimeout") or left, left)))
            checks.append({"kind": "command", "name": command, **entry})
    result = {
        "passed": not timed_out and all(entry["status"] != "failed" for entry in checks),
        "timed_out": timed_out,
        "checks": checks,
        "python": sys.version.split()[0],
        # The largest process a check ran in, the command included.
        "peak_memory_bytes": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
    }
    after = request.get("after")
    if after and result["passed"]:
        result["after"] = run_after(after)
    print(MARKER + nonce + " " + json.dumps(result), flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        run_child([int(fd) for fd in sys.argv[2].split(",")])
    else:
        supervise(sys.argv[1])
