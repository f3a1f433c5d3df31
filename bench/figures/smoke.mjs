// Figure 7: what the smoke test measured in each example's image: every framework's import time,
// each model's first prediction, the harness's peak memory, with the image's size.
export function smokeFigures(example, variant) {
  const checks = variant.smoke.checks;
  return {
    example,
    variant: variant.variant,
    imageBytes: variant.size_bytes,
    importSeconds: Object.fromEntries(
      checks.filter((check) => check.kind === 'import').map((check) => [check.name, check.seconds]),
    ),
    firstPredictionSeconds: Object.fromEntries(
      checks
        .filter((check) => check.kind === 'model')
        .map((check) => [check.name, check.first_prediction_seconds ?? null]),
    ),
    modelLoadSeconds: Object.fromEntries(
      checks.filter((check) => check.kind === 'model').map((check) => [check.name, check.seconds]),
    ),
    peakMemoryBytes: variant.smoke.peak_memory_bytes,
    smokeSeconds: variant.smoke.seconds,
  };
}
