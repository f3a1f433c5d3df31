"""Classifies a 28x28 grayscale image with the TorchScript model in model.pt.

    python predict.py            ->  a prediction for an all-zero image, as JSON
    python predict.py --cuda     ->  the same on the GPU (fails when CUDA is not available)
"""
import json
import sys
import warnings
from pathlib import Path

import torch

MODEL = Path(__file__).with_name("model.pt")
# torch 2.13+ marks TorchScript deprecated (a FutureWarning on every load from 2.14); it still works.
warnings.filterwarnings("ignore", message=r"`torch\.jit\.\w+` is deprecated")


def predict(image: torch.Tensor, device: str = "cpu") -> dict:
    model = torch.jit.load(str(MODEL), map_location=device)
    model.eval()
    with torch.no_grad():
        probabilities = model(image.to(device)).exp()[0]
    digit = int(probabilities.argmax())
    return {"digit": digit, "probability": round(float(probabilities[digit]), 3), "device": device}


if __name__ == "__main__":
    device = "cuda" if "--cuda" in sys.argv[1:] else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        sys.exit("predict.py --cuda: CUDA is not available to torch " + torch.__version__)
    print(json.dumps(predict(torch.zeros(1, 1, 28, 28), device)))
