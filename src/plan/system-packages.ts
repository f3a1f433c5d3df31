import { frameworkSystemPackages, renamedSystemPackages } from '../data/compat.js';
import type { EnvironmentSpec } from '../detect/spec.js';

/**
 * The Debian packages the image needs: those the project lists (cog's `system_packages`) and the
 * workflow asks for (input 'system-packages', already checked as names by checkInputs), with
 * Ubuntu-era names Debian has since renamed mapped to today's, and those its frameworks' wheels
 * link but do not bundle (LightGBM's libgomp), which slim Python images lack.
 */
export function chooseSystemPackages(
  spec: EnvironmentSpec,
  requested: readonly string[] = [],
): { name: string; why: string }[] {
  const chosen = new Map<string, string>();
  const asked = requested.map((name) => ({ name, source: "input 'system-packages'" }));
  // The project's own line is cited when both name a package: it is the more precise source.
  for (const item of [...asked, ...spec.systemPackages]) {
    const renamed = renamedSystemPackages.find((row) => row.from === item.name);
    chosen.set(
      renamed?.to ?? item.name,
      renamed ? `${item.source} lists ${item.name}, which Debian renamed ${renamed.to}` : item.source,
    );
  }
  const frameworks = new Set(spec.frameworks.map((framework) => framework.name));
  for (const row of frameworkSystemPackages.filter((entry) => frameworks.has(entry.framework))) {
    for (const name of row.packages) if (!chosen.has(name)) chosen.set(name, `${row.framework}: ${row.why}`);
  }
  return [...chosen].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, why]) => ({ name, why }));
}
