"""Trains the example model: a logistic regression on the iris data that ships with scikit-learn."""
import joblib
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression


def main() -> None:
    iris = load_iris()
    model = LogisticRegression(max_iter=500, random_state=0)
    model.fit(iris.data, iris.target)
    model.target_names_ = list(iris.target_names)
    joblib.dump(model, "model.joblib")
    print(f"trained: accuracy {model.score(iris.data, iris.target):.3f} on {len(iris.data)} flowers")


if __name__ == "__main__":
    main()
