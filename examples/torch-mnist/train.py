"""Trains the example model: a small MNIST-shaped CNN, scripted with TorchScript into model.pt.

The data are synthetic 28x28 "digits" (ten fixed random stroke patterns plus noise, generated from
a fixed seed), so training needs no download and gives the same model.pt on every run on a CPU.
The network is pytorch/examples' mnist Net, scaled down so the committed file stays small.
"""
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

SEED = 0
CLASSES = 10
TRAIN_PER_CLASS = 200
TEST_PER_CLASS = 50


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3)    # 28x28 -> 26x26, pooled to 13x13
        self.conv2 = nn.Conv2d(8, 16, 3)   # 13x13 -> 11x11, pooled to 5x5
        self.dropout = nn.Dropout(0.25)
        self.fc1 = nn.Linear(16 * 5 * 5, 32)
        self.fc2 = nn.Linear(32, CLASSES)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = self.dropout(torch.flatten(x, 1))
        x = F.relu(self.fc1(x))
        return F.log_softmax(self.fc2(x), dim=1)


def synthetic_digits(rng: np.random.Generator) -> tuple[torch.Tensor, ...]:
    """Ten prototypes of sparse bright strokes; samples are shifted, noisy copies of them."""
    prototypes = (rng.random((CLASSES, 28, 28)) > 0.85).astype(np.float32)

    def draw(per_class: int) -> tuple[torch.Tensor, torch.Tensor]:
        labels = np.repeat(np.arange(CLASSES), per_class)
        images = prototypes[labels]
        shifts = rng.integers(-2, 3, size=(len(labels), 2))
        images = np.stack([np.roll(img, tuple(s), axis=(0, 1)) for img, s in zip(images, shifts)])
        images = np.clip(images + rng.normal(0.0, 0.3, images.shape), 0.0, 1.0).astype(np.float32)
        return torch.from_numpy(images).unsqueeze(1), torch.from_numpy(labels)

    return (*draw(TRAIN_PER_CLASS), *draw(TEST_PER_CLASS))


def main() -> None:
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    x_train, y_train, x_test, y_test = synthetic_digits(np.random.default_rng(SEED))

    model = Net()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(1, 9):
        model.train()
        order = torch.randperm(len(x_train))
        for start in range(0, len(order), 64):
            batch = order[start:start + 64]
            optimizer.zero_grad()
            loss = F.nll_loss(model(x_train[batch]), y_train[batch])
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
        print(f"epoch {epoch}: loss {loss.item():.4f}, test accuracy {accuracy:.3f}")

    scripted = torch.jit.script(model)
    scripted.save("model.pt")
    print(f"saved model.pt ({sum(p.numel() for p in model.parameters())} parameters, torch {torch.__version__})")


if __name__ == "__main__":
    main()
