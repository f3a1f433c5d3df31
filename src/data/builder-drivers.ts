import table from './builder-drivers.json' with { type: 'json' };

/**
 * How an image built by a driver reaches the smoke test and the registry:
 * `store`: BuildKit writes into the Docker engine's own image store, which runs and pushes it;
 * `archive`: BuildKit sends back an OCI archive, loaded into the engine for the smoke test, and the
 * same build is exported again to the registry, checked against the tested archive.
 */
export type DriverRoute = 'store' | 'archive';

export interface DriverRow {
  driver: string;
  route: DriverRoute;
  note: string;
  source: string;
}

export const builderDrivers: readonly DriverRow[] = table.drivers as DriverRow[];

/** A driver this table does not name (a newer buildx's) runs BuildKit apart from the engine, like remote. */
export function driverRoute(driver: string): DriverRoute {
  return builderDrivers.find((row) => row.driver === driver)?.route ?? 'archive';
}
